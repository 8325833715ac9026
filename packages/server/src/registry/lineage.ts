import type { DatasetInput, ModelVersion, Run } from '@cairn/spec';
import type { Storage } from '../storage/index.js';
import type { TrackingStore } from '../tracking/index.js';
import type { ModelVersionStore } from './model-version-store.js';

/** Tag on an evaluation run naming the model version it evaluated (`models:/name/3`). */
export const evaluationModelUriTag = 'cairn.evaluation.model_uri';
/** Tag on an evaluation run naming the run whose model it evaluated. */
export const evaluationSourceRunTag = 'cairn.evaluation.source_run';

/** A stage transition or alias move, as history entries are returned. */
export interface HistoryItem {
  kind: string;
  from?: string;
  to?: string;
  user_id?: string;
  timestamp: number;
}

/** A version's chain: version → source run → params, metrics, datasets, evaluations. */
export interface Lineage {
  model_version: ModelVersion;
  run?: Run;
  datasets: DatasetInput[];
  evaluations: Run[];
  history: HistoryItem[];
}

/**
 * Builds a version's lineage. Evaluation runs are the live runs tagged
 * `cairn.evaluation.model_uri = models:/<name>/<version>` or
 * `cairn.evaluation.source_run = <the version's run id>`.
 */
export async function buildLineage(
  storage: Storage,
  tracking: TrackingStore,
  versions: ModelVersionStore,
  name: string,
  version: number,
): Promise<Lineage> {
  const modelVersion = await versions.get(name, version);
  const db = storage.db;
  const runId = modelVersion.run_id;
  const [runs, evaluationRows, historyRows] = await Promise.all([
    runId ? tracking.runs.loadMany([runId]) : Promise.resolve([]),
    db
      .selectFrom('tags')
      .innerJoin('runs', 'runs.run_uuid', 'tags.run_uuid')
      .select('tags.run_uuid')
      .where('runs.lifecycle_stage', '=', 'active')
      .where((eb) =>
        eb.or([
          eb.and([
            eb('tags.key', '=', evaluationModelUriTag),
            eb('tags.value', '=', `models:/${name}/${version}`),
          ]),
          ...(runId
            ? [eb.and([eb('tags.key', '=', evaluationSourceRunTag), eb('tags.value', '=', runId)])]
            : []),
        ]),
      )
      .execute(),
    db
      .selectFrom('registry_history')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .orderBy('timestamp')
      .orderBy('history_id')
      .execute(),
  ]);
  const evaluationIds = [...new Set(evaluationRows.map((row) => row.run_uuid))].filter(
    (id) => id !== runId,
  );
  const evaluations = await tracking.runs.loadMany(evaluationIds);
  evaluations.sort((a, b) => a.info.start_time - b.info.start_time);
  const run = runs[0];
  return {
    model_version: modelVersion,
    ...(run && { run }),
    datasets: run?.inputs.dataset_inputs ?? [],
    evaluations,
    history: historyRows.map((row) => ({
      kind: row.kind,
      ...(row.from_value !== null && { from: row.from_value }),
      ...(row.to_value !== null && { to: row.to_value }),
      ...(row.user_id !== null && { user_id: row.user_id }),
      timestamp: Number(row.timestamp),
    })),
  };
}
