import type { AbComparison, AbTest, AbTestReport, AbVariantReport, Run } from '@cairn/spec';
import { mean, percentile, twoProportionZTest, welchTTest } from './statistics.js';

/** One observed unit of traffic: a run tagged with the test and a variant. */
export interface Observation {
  variant: string;
  error: boolean;
  latencyMs?: number;
  costUsd?: number;
  /** 1 for positive feedback, 0 for negative. */
  feedback?: number;
  score?: number;
}

/** Metric names read from tagged runs (what `logLlmCall` logs, plus feedback and score). */
export const outcomeMetrics = {
  latency: 'latency_ms',
  cost: 'cost_usd',
  feedback: 'feedback',
  score: 'score',
  error: 'error',
} as const;

/**
 * Reads a run as an observation: FAILED or KILLED runs and runs with metric `error` > 0 are
 * errors; latency is `latency_ms` or else the run's duration; feedback ≥ 0.5 counts as positive.
 */
export function observationOf(run: Run, variant: string): Observation {
  const metrics = new Map((run.data.metrics ?? []).map((m) => [m.key, Number(m.value)]));
  const finite = (key: string) => {
    const value = metrics.get(key);
    return value !== undefined && Number.isFinite(value) ? value : undefined;
  };
  const duration =
    run.info.end_time !== undefined ? run.info.end_time - run.info.start_time : undefined;
  const feedback = finite(outcomeMetrics.feedback);
  return {
    variant,
    error:
      run.info.status === 'FAILED' ||
      run.info.status === 'KILLED' ||
      (finite(outcomeMetrics.error) ?? 0) > 0,
    latencyMs: finite(outcomeMetrics.latency) ?? duration,
    costUsd: finite(outcomeMetrics.cost),
    ...(feedback !== undefined && { feedback: feedback >= 0.5 ? 1 : 0 }),
    score: finite(outcomeMetrics.score),
  };
}

const alpha = 0.05;

/**
 * Per-variant outcomes and significance tests of each variant against the first (the baseline):
 * two-proportion z-tests for error and feedback rates, Welch t-tests for latency and score.
 * The recommended winner is decided by the first of feedback rate, score, error rate and
 * latency on which some variant differs significantly (α = 0.05) from the baseline.
 */
export function buildAbReport(
  test: AbTest,
  observations: readonly Observation[],
  versions: Map<string, string>,
): AbTestReport {
  const groups = new Map(test.variants.map((variant) => [variant.name, [] as Observation[]]));
  for (const observation of observations) groups.get(observation.variant)?.push(observation);
  const variants = test.variants.map((variant) =>
    variantReport(variant.name, groups.get(variant.name)!, versions.get(variant.name)),
  );
  const baseline = test.variants[0]!.name;
  const base = groups.get(baseline)!;
  const comparisons: AbComparison[] = [];
  for (const variant of test.variants.slice(1)) {
    const other = groups.get(variant.name)!;
    const compare = (
      metric: AbComparison['metric'],
      kind: AbComparison['test'],
      result: { statistic: number; pValue: number } | undefined,
      difference: number | undefined,
    ) => {
      if (!result || difference === undefined) return;
      comparisons.push({
        variant: variant.name,
        baseline,
        metric,
        test: kind,
        difference,
        statistic: result.statistic,
        p_value: result.pValue,
        significant: result.pValue < alpha,
      });
    };
    const rate = (list: Observation[], pick: (o: Observation) => number | undefined) => {
      const values = list.map(pick).filter((v): v is number => v !== undefined);
      return { hits: values.filter((v) => v > 0).length, total: values.length };
    };
    const errorsA = rate(base, (o) => (o.error ? 1 : 0));
    const errorsB = rate(other, (o) => (o.error ? 1 : 0));
    compare(
      'error_rate',
      'two-proportion-z',
      twoProportionZTest(errorsA.hits, errorsA.total, errorsB.hits, errorsB.total),
      ratio(errorsB) !== undefined && ratio(errorsA) !== undefined
        ? ratio(errorsB)! - ratio(errorsA)!
        : undefined,
    );
    const feedbackA = rate(base, (o) => o.feedback);
    const feedbackB = rate(other, (o) => o.feedback);
    compare(
      'feedback_rate',
      'two-proportion-z',
      twoProportionZTest(feedbackA.hits, feedbackA.total, feedbackB.hits, feedbackB.total),
      ratio(feedbackB) !== undefined && ratio(feedbackA) !== undefined
        ? ratio(feedbackB)! - ratio(feedbackA)!
        : undefined,
    );
    for (const [metric, pick] of [
      ['latency_ms', (o: Observation) => o.latencyMs],
      ['score', (o: Observation) => o.score],
    ] as const) {
      const a = base.map(pick).filter((v): v is number => v !== undefined);
      const b = other.map(pick).filter((v): v is number => v !== undefined);
      const meanA = mean(a);
      const meanB = mean(b);
      compare(
        metric,
        'welch-t',
        welchTTest(a, b),
        meanA !== undefined && meanB !== undefined ? meanB - meanA : undefined,
      );
    }
  }
  return { test, variants, comparisons, ...recommend(baseline, comparisons) };
}

function ratio(counts: { hits: number; total: number }): number | undefined {
  return counts.total === 0 ? undefined : counts.hits / counts.total;
}

function variantReport(
  name: string,
  list: Observation[],
  version: string | undefined,
): AbVariantReport {
  const latencies = list.map((o) => o.latencyMs).filter((v): v is number => v !== undefined);
  const costs = list.map((o) => o.costUsd).filter((v): v is number => v !== undefined);
  const feedback = list.map((o) => o.feedback).filter((v): v is number => v !== undefined);
  const scores = list.map((o) => o.score).filter((v): v is number => v !== undefined);
  const defined = <T>(key: string, value: T | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    variant: name,
    ...defined('version', version),
    count: list.length,
    error_rate: list.length === 0 ? 0 : list.filter((o) => o.error).length / list.length,
    ...defined('latency_p50_ms', percentile(latencies, 50)),
    ...defined('latency_p95_ms', percentile(latencies, 95)),
    ...defined('mean_latency_ms', mean(latencies)),
    ...defined('mean_cost_usd', mean(costs)),
    total_cost_usd: costs.reduce((sum, cost) => sum + cost, 0),
    feedback_count: feedback.length,
    ...defined('feedback_rate', mean(feedback)),
    score_count: scores.length,
    ...defined('mean_score', mean(scores)),
  };
}

const objectives: { metric: AbComparison['metric']; higherIsBetter: boolean }[] = [
  { metric: 'feedback_rate', higherIsBetter: true },
  { metric: 'score', higherIsBetter: true },
  { metric: 'error_rate', higherIsBetter: false },
  { metric: 'latency_ms', higherIsBetter: false },
];

function recommend(
  baseline: string,
  comparisons: AbComparison[],
): { recommended_winner?: string; reason: string } {
  for (const { metric, higherIsBetter } of objectives) {
    const significant = comparisons.filter((c) => c.metric === metric && c.significant);
    if (significant.length === 0) continue;
    const better = significant.filter((c) =>
      higherIsBetter ? c.difference > 0 : c.difference < 0,
    );
    if (better.length === 0)
      return {
        recommended_winner: baseline,
        reason: `Every significant difference in ${metric} favours the baseline '${baseline}'.`,
      };
    const best = better.reduce((a, b) =>
      higherIsBetter ? (b.difference > a.difference ? b : a) : b.difference < a.difference ? b : a,
    );
    return {
      recommended_winner: best.variant,
      reason: `'${best.variant}' beats the baseline '${baseline}' on ${metric} by ${round(best.difference)} (p = ${round(best.p_value)} < ${alpha}).`,
    };
  }
  return {
    reason: `No significant difference from the baseline '${baseline}' yet (α = ${alpha}); keep collecting traffic.`,
  };
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
