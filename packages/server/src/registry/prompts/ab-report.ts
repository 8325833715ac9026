import type { AbComparison, AbTest, AbTestReport, AbVariantReport, Run } from '@cairn/spec';
import type { TraceOutcome } from '../../tracing/index.js';
import {
  momentsOf,
  percentile,
  type SampleMoments,
  twoProportionZTest,
  welchTTestOfMoments,
} from './statistics.js';

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

/** A variant's outcomes as aggregates, from its traces or from its runs. */
export interface VariantOutcome {
  source: 'traces' | 'runs';
  traceCount: number;
  runCount: number;
  count: number;
  errors: number;
  latency: SampleMoments;
  latencyP50?: number;
  latencyP95?: number;
  cost: SampleMoments;
  feedback: { n: number; positive: number };
  scores: SampleMoments;
}

/** Aggregates a variant's run observations (runs carry few enough values to hold in memory). */
export function outcomeOfRuns(observations: readonly Observation[]): VariantOutcome {
  const values = (pick: (o: Observation) => number | undefined) =>
    observations.map(pick).filter((v): v is number => v !== undefined);
  const latencies = values((o) => o.latencyMs);
  const feedback = values((o) => o.feedback);
  return {
    source: 'runs',
    traceCount: 0,
    runCount: observations.length,
    count: observations.length,
    errors: observations.filter((o) => o.error).length,
    latency: momentsOf(latencies),
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
    cost: momentsOf(values((o) => o.costUsd)),
    feedback: { n: feedback.length, positive: feedback.filter((v) => v > 0).length },
    scores: momentsOf(values((o) => o.score)),
  };
}

/** A variant's outcomes from its tagged traces (every trace has a cost roll-up, 0 if none). */
export function outcomeOfTraces(traces: TraceOutcome, runCount: number): VariantOutcome {
  return {
    source: 'traces',
    traceCount: traces.traces,
    runCount,
    count: traces.traces,
    errors: traces.errors,
    latency: traces.latency,
    latencyP50: traces.latencyP50,
    latencyP95: traces.latencyP95,
    cost: { n: traces.traces, sum: traces.cost, sumSquares: 0 },
    feedback: traces.feedback,
    scores: traces.scores,
  };
}

const empty: VariantOutcome = outcomeOfRuns([]);
const alpha = 0.05;

/**
 * Per-variant outcomes and significance tests of each variant against the first (the baseline):
 * two-proportion z-tests for error and feedback rates, Welch t-tests for latency and score.
 * The recommended winner is decided by the first of feedback rate, score, error rate and
 * latency on which some variant differs significantly (α = 0.05) from the baseline.
 */
export function buildAbReport(
  test: AbTest,
  outcomes: Map<string, VariantOutcome>,
  versions: Map<string, string>,
): AbTestReport {
  const of = (name: string) => outcomes.get(name) ?? empty;
  const variants = test.variants.map((variant) =>
    variantReport(variant.name, of(variant.name), versions.get(variant.name)),
  );
  const baseline = test.variants[0]!.name;
  const base = of(baseline);
  const comparisons: AbComparison[] = [];
  for (const variant of test.variants.slice(1)) {
    const other = of(variant.name);
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
    const proportions = (
      metric: AbComparison['metric'],
      a: { hits: number; total: number },
      b: { hits: number; total: number },
    ) =>
      compare(
        metric,
        'two-proportion-z',
        twoProportionZTest(a.hits, a.total, b.hits, b.total),
        a.total > 0 && b.total > 0 ? b.hits / b.total - a.hits / a.total : undefined,
      );
    proportions(
      'error_rate',
      { hits: base.errors, total: base.count },
      { hits: other.errors, total: other.count },
    );
    proportions(
      'feedback_rate',
      { hits: base.feedback.positive, total: base.feedback.n },
      { hits: other.feedback.positive, total: other.feedback.n },
    );
    for (const [metric, pick] of [
      ['latency_ms', (o: VariantOutcome) => o.latency],
      ['score', (o: VariantOutcome) => o.scores],
    ] as const) {
      const a = pick(base);
      const b = pick(other);
      compare(
        metric,
        'welch-t',
        welchTTestOfMoments(a, b),
        a.n > 0 && b.n > 0 ? b.sum / b.n - a.sum / a.n : undefined,
      );
    }
  }
  return { test, variants, comparisons, ...recommend(baseline, comparisons) };
}

function variantReport(
  name: string,
  outcome: VariantOutcome,
  version: string | undefined,
): AbVariantReport {
  const defined = <T>(key: string, value: T | undefined) =>
    value === undefined ? {} : { [key]: value };
  const average = (m: SampleMoments) => (m.n === 0 ? undefined : m.sum / m.n);
  return {
    variant: name,
    ...defined('version', version),
    source: outcome.source,
    count: outcome.count,
    trace_count: outcome.traceCount,
    run_count: outcome.runCount,
    error_rate: outcome.count === 0 ? 0 : outcome.errors / outcome.count,
    ...defined('latency_p50_ms', outcome.latencyP50),
    ...defined('latency_p95_ms', outcome.latencyP95),
    ...defined('mean_latency_ms', average(outcome.latency)),
    ...defined('mean_cost_usd', average(outcome.cost)),
    total_cost_usd: outcome.cost.sum,
    feedback_count: outcome.feedback.n,
    ...defined(
      'feedback_rate',
      outcome.feedback.n === 0 ? undefined : outcome.feedback.positive / outcome.feedback.n,
    ),
    score_count: outcome.scores.n,
    ...defined('mean_score', average(outcome.scores)),
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
