import type { Metric, Param, Tag } from '@cairn/spec';

/** The entries of one or more `runs/log-batch` calls. */
export interface LogBatchEntries {
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

/** MLflow's per-request limits on `runs/log-batch` (mlflow/utils/validation.py). */
export const logBatchLimits = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

/**
 * Splits entries into batches the server accepts: at most 1000 metrics, 100 params, 100 tags
 * and 1000 entries per batch. Order within each kind is kept, so a later tag value still wins.
 * Params and tags go first: they are few and metrics fill the room they leave.
 */
export function splitLogBatch(
  entries: LogBatchEntries,
  limits: typeof logBatchLimits = logBatchLimits,
): LogBatchEntries[] {
  const batches: LogBatchEntries[] = [];
  let metricIndex = 0;
  let paramIndex = 0;
  let tagIndex = 0;
  const { metrics, params, tags } = entries;
  while (metricIndex < metrics.length || paramIndex < params.length || tagIndex < tags.length) {
    const batchParams = params.slice(paramIndex, paramIndex + limits.params);
    paramIndex += batchParams.length;
    const tagRoom = Math.min(limits.tags, limits.total - batchParams.length);
    const batchTags = tags.slice(tagIndex, tagIndex + tagRoom);
    tagIndex += batchTags.length;
    const metricRoom = Math.min(
      limits.metrics,
      limits.total - batchParams.length - batchTags.length,
    );
    const batchMetrics = metrics.slice(metricIndex, metricIndex + metricRoom);
    metricIndex += batchMetrics.length;
    batches.push({ metrics: batchMetrics, params: batchParams, tags: batchTags });
  }
  return batches;
}
