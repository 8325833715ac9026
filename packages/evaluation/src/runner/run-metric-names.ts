/**
 * Names of the run metrics an evaluation logs, as MLflow's evaluator names them: built-in metrics
 * carry a version (`toxicity/v1/mean`, `answer_correctness/v1/p90`, and a boolean metric's pass
 * rate also bare, `exact_match/v1`); custom metrics do not (`my_metric/mean`).
 */
import type { MetricResult } from '../metric.js';
import { knownMetricNames } from './metric-specs.js';

const versioned = new Set(knownMetricNames);
const aggregateKeys = ['mean', 'p50', 'p90', 'min', 'max', 'variance'] as const;

/** The column and metric prefix of a metric: `<name>/v1` for built-ins, `<name>` otherwise. */
export function metricPrefix(name: string): string {
  return versioned.has(name) || /^(precision|recall|ndcg)_at_\d+$/.test(name) ? `${name}/v1` : name;
}

/** The run metrics of one metric result: aggregates, pass rate, counts and metric-specific extras. */
export function runMetricEntries(result: MetricResult): Record<string, number> {
  const prefix = metricPrefix(result.name);
  const entries: Record<string, number> = {};
  const { aggregates } = result;
  for (const key of aggregateKeys) {
    const value = aggregates[key];
    if (value !== undefined && Number.isFinite(value)) entries[`${prefix}/${key}`] = value;
  }
  if (aggregates.passRate !== undefined) {
    entries[`${prefix}/pass_rate`] = aggregates.passRate;
    if (prefix !== result.name) entries[prefix] = aggregates.passRate;
  }
  entries[`${prefix}/scored_count`] = aggregates.scoredCount;
  entries[`${prefix}/error_count`] = aggregates.errorCount;
  for (const [key, value] of Object.entries(aggregates.extra ?? {})) {
    if (Number.isFinite(value)) entries[`${prefix}/${key}`] = value;
  }
  return entries;
}

/**
 * The value of `<metric>/<aggregate>` among logged run metrics, accepting both MLflow's versioned
 * key (`toxicity/v1/max`) and the short one (`toxicity/max`).
 *
 * @example lookupRunMetric(metrics, 'answer_correctness', 'mean')
 */
export function lookupRunMetric(
  metrics: Readonly<Record<string, number>>,
  metric: string,
  aggregate: string,
): number | undefined {
  const agg = aggregate === 'pass_rate' || aggregate === 'passrate' ? 'pass_rate' : aggregate;
  const candidates = [`${metric}/${agg}`, `${metric}/v1/${agg}`];
  if (/\/v\d+$/.test(metric)) candidates.unshift(`${metric}/${agg}`);
  for (const key of candidates) {
    const value = metrics[key];
    if (value !== undefined) return value;
  }
  return undefined;
}
