import { api, mlflow } from '../api/client';
import type { Experiment, Run } from '../api/types';

/** A run flattened for tables: its info plus maps of metrics, params and tags. */
export interface RunRow {
  run: Run;
  id: string;
  name: string;
  metrics: Record<string, number>;
  params: Record<string, string>;
  tags: Record<string, string>;
}

/** Flattens a run for the table and diff views. */
export function toRow(run: Run): RunRow {
  return {
    run,
    id: run.info.run_id,
    name: run.info.run_name || run.info.run_id.slice(0, 8),
    metrics: Object.fromEntries(
      (run.data.metrics ?? []).map((metric) => [metric.key, metric.value]),
    ),
    params: Object.fromEntries((run.data.params ?? []).map((param) => [param.key, param.value])),
    tags: Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value])),
  };
}

/** Runs one page of runs/search. */
export async function searchRuns(request: {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  pageToken?: string;
  viewType?: string;
}): Promise<{ runs: Run[]; nextPageToken?: string }> {
  const answer = await api.post<{ runs?: Run[]; next_page_token?: string }>(
    `${mlflow}/runs/search`,
    {
      experiment_ids: request.experimentIds,
      filter: request.filter ?? '',
      order_by: request.orderBy ?? [],
      max_results: request.maxResults,
      run_view_type: request.viewType ?? 'ACTIVE_ONLY',
      ...(request.pageToken ? { page_token: request.pageToken } : {}),
    },
  );
  return { runs: answer.runs ?? [], nextPageToken: answer.next_page_token };
}

/** Loads one run by id. */
export async function getRun(runId: string): Promise<Run> {
  return (await api.get<{ run: Run }>(`${mlflow}/runs/get`, { run_id: runId })).run;
}

/** Loads one experiment by id. */
export async function getExperiment(experimentId: string): Promise<Experiment> {
  return (
    await api.get<{ experiment: Experiment }>(`${mlflow}/experiments/get`, {
      experiment_id: experimentId,
    })
  ).experiment;
}

/** Sorted distinct keys of one kind across rows (for column pickers and autocomplete). */
export function keysOf(rows: RunRow[], kind: 'metrics' | 'params' | 'tags'): string[] {
  const keys = new Set<string>();
  // Sampling keeps this cheap for 10,000+ runs; keys rarely appear only in a late run.
  const step = Math.max(1, Math.floor(rows.length / 2000));
  for (let index = 0; index < rows.length; index += step) {
    for (const key of Object.keys(rows[index]?.[kind] ?? {})) keys.add(key);
  }
  return [...keys].sort();
}
