import type { Metric, MetricWithRunId } from '@cairn/spec';
import { invalidParameter } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { requireRun } from './entity-state.js';
import { metricToJson } from './wire-format.js';

/** MLflow's cap on points returned per run by the bulk endpoints. */
const bulkMaxResults = 25000;

/** One page of a metric's history. */
export interface MetricHistoryPage {
  metrics: Metric[];
  nextPageToken?: string;
}

/** A step range for the bulk-interval endpoint; both ends inclusive. */
export interface StepRange {
  start: number;
  end: number;
}

/** MLflow's page token: base64 of `{"offset": N}`. */
function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** Reads an offset page token, failing with MLflow's message when it is not one. */
function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  const offset = (parsed as { offset?: unknown } | null)?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter(`Invalid page token, offset must be a non-negative integer: ${token}`);
  }
  return offset;
}

/**
 * MLflow's step sampling for charts: up to `maxResults` steps spread evenly over the distinct
 * steps within `[start, end]`, plus the last step of the range.
 */
export function sampleSteps(
  sortedSteps: readonly number[],
  start: number,
  end: number,
  maxResults: number,
): Set<number> {
  const first = lowerBound(sortedSteps, start);
  const last = lowerBound(sortedSteps, end + 1);
  const inRange = sortedSteps.slice(first, last);
  if (inRange.length <= maxResults) return new Set(inRange);
  const interval = inRange.length / maxResults;
  const sampled = new Set<number>();
  for (let index = 0; index < maxResults; index++) {
    const step = inRange[Math.floor(index * interval)];
    if (step !== undefined) sampled.add(step);
  }
  const lastStep = inRange.at(-1);
  if (lastStep !== undefined) sampled.add(lastStep);
  return sampled;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Reads of metric histories: paged per run, sampled across runs, or bulk. */
export class MetricHistory {
  constructor(private readonly storage: Storage) {}

  /** A run's full history of one metric, by step then timestamp; paged when `maxResults` is given. */
  async history(
    runId: string,
    key: string,
    options: { maxResults?: number; pageToken?: string } = {},
  ): Promise<MetricHistoryPage> {
    const offset = decodePageToken(options.pageToken);
    await requireRun(this.storage.db, runId);
    let query = this.storage.db
      .selectFrom('metrics')
      .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
      .where('run_uuid', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .orderBy('value');
    const { maxResults } = options;
    if (maxResults !== undefined) query = query.limit(maxResults + 1).offset(offset);
    else if (offset > 0) query = query.limit(Number.MAX_SAFE_INTEGER).offset(offset);
    const rows = await query.execute();
    const page: MetricHistoryPage = { metrics: [] };
    if (maxResults !== undefined && rows.length > maxResults) {
      rows.length = maxResults;
      page.nextPageToken = encodePageToken(offset + maxResults);
    }
    page.metrics = rows.map(metricToJson);
    return page;
  }

  /**
   * The history of one metric across runs at sampled steps (always keeping each run's first and
   * last step), as MLflow's `get-history-bulk-interval` does for the UI's charts.
   */
  async bulkInterval(
    runIds: readonly string[],
    key: string,
    maxResults: number,
    range?: StepRange,
  ): Promise<MetricWithRunId[]> {
    if (runIds.length === 0) return [];
    const stepRows = await this.storage.db
      .selectFrom('metrics')
      .select(['run_uuid', 'step'])
      .distinct()
      .where('run_uuid', 'in', runIds)
      .where('key', '=', key)
      .execute();
    const stepsByRun = new Map<string, { min: number; max: number }>();
    const allSteps = new Set<number>();
    for (const { run_uuid: runId, step } of stepRows) {
      allSteps.add(step);
      const bounds = stepsByRun.get(runId);
      if (!bounds) stepsByRun.set(runId, { min: step, max: step });
      else {
        bounds.min = Math.min(bounds.min, step);
        bounds.max = Math.max(bounds.max, step);
      }
    }
    const sortedSteps = [...allSteps].sort((a, b) => a - b);
    const start = range?.start ?? 0;
    const end = range?.end ?? sortedSteps.at(-1) ?? 0;
    const steps = sampleSteps(sortedSteps, start, end, maxResults);
    for (const { min, max } of stepsByRun.values()) {
      for (const step of [min, max]) if (step >= start && step <= end) steps.add(step);
    }
    if (steps.size === 0) return [];
    const wanted = [...steps];
    const result: MetricWithRunId[] = [];
    for (const runId of runIds) {
      const rows = await this.storage.db
        .selectFrom('metrics')
        .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .where('step', 'in', wanted)
        .orderBy('step')
        .orderBy('timestamp')
        .limit(bulkMaxResults)
        .execute();
      for (const row of rows) result.push({ ...metricToJson(row), run_id: runId });
    }
    return result;
  }

  /** Whole histories of one metric for several runs (the UI's ajax `get-history-bulk`). */
  async bulk(
    runIds: readonly string[],
    key: string,
    maxResults: number,
  ): Promise<MetricWithRunId[]> {
    const result: MetricWithRunId[] = [];
    for (const runId of [...runIds].sort()) {
      const rows = await this.storage.db
        .selectFrom('metrics')
        .select(['key', 'value', 'timestamp', 'step', 'is_nan'])
        .where('run_uuid', '=', runId)
        .where('key', '=', key)
        .orderBy('timestamp')
        .orderBy('step')
        .orderBy('value')
        .limit(maxResults)
        .execute();
      for (const row of rows) result.push({ ...metricToJson(row), run_id: runId });
      if (result.length >= maxResults) break;
    }
    return result.slice(0, maxResults);
  }
}
