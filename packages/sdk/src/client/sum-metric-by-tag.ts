import type { ViewType } from '@cairn/spec';
import type { CairnClient } from './cairn-client.js';

/** Per tag value: the metric's sum and how many runs carried both tag and metric. */
export type MetricSums = Record<string, { total: number; runs: number }>;

/**
 * Sums a metric (latest value per run) over the runs of some experiments, grouped by a tag's
 * value: e.g. cost per `cost_center`. Runs without the tag or the metric are skipped.
 * `run_cost_usd`, which `logLlmCall` keeps as a run's running total, is the right metric for
 * cost; `cost_usd` is per call and equals it only for runs holding a single call.
 *
 * @example
 * await sumMetricByTag(client, { experimentIds: ['1'], tagKey: 'cost_center' });
 * // { 'retail-lending': { total: 1.234, runs: 310 }, … }
 */
export async function sumMetricByTag(
  client: CairnClient,
  options: {
    experimentIds: string[];
    tagKey: string;
    metricKey?: string;
    filter?: string;
    runViewType?: ViewType;
  },
): Promise<MetricSums> {
  const metricKey = options.metricKey ?? 'run_cost_usd';
  const sums: MetricSums = {};
  const runs = client.iterateRuns(options.experimentIds, {
    filter: options.filter,
    runViewType: options.runViewType,
    maxResults: 1000,
  });
  for await (const run of runs) {
    const tag = run.data.tags?.find((entry) => entry.key === options.tagKey);
    const metric = run.data.metrics?.find((entry) => entry.key === metricKey);
    const value = Number(metric?.value);
    if (!tag || !metric || !Number.isFinite(value)) continue;
    const sum = sums[tag.value] ?? { total: 0, runs: 0 };
    sums[tag.value] = { total: sum.total + value, runs: sum.runs + 1 };
  }
  return sums;
}
