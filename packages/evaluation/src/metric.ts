/**
 * The metric contract every metric (built-in, LLM judge or custom) fulfils, so the evaluation
 * runner treats them alike: given predictions, targets and the full rows, return one score per
 * row (or a row-level error) and the aggregates.
 */
import type { MetricAggregates, ScoreValue } from './aggregate/aggregate-scores.js';

/** One row of an evaluation data set: named columns. */
export type EvalRow = Readonly<Record<string, unknown>>;

/** What a metric scores. `rows[i]` is the row `predictions[i]` answers. */
export interface MetricInput {
  predictions: readonly unknown[];
  targets?: readonly unknown[];
  rows?: readonly EvalRow[];
}

/** Why a row has no score. */
export interface RowError {
  kind: 'invalid-input' | 'judge-unparsable' | 'judge-failed' | 'metric-failed';
  message: string;
}

/** What a judge call cost. */
export interface JudgeUsage {
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** USD, when the model's price is known. */
  costUsd?: number;
}

/** The score of one row, with the judge's rationale and cost when a judge gave it. */
export interface MetricRowScore {
  score: ScoreValue;
  rationale?: string;
  error?: RowError;
  judgeUsage?: JudgeUsage;
}

/** A metric's scores and aggregates. `extra` holds metric-specific aggregates (e.g. corpus BLEU). */
export interface MetricResult {
  name: string;
  greaterIsBetter: boolean;
  rows: MetricRowScore[];
  aggregates: MetricAggregates & { extra?: Record<string, number> };
}

/** Options passed to every metric evaluation. */
export interface MetricEvaluateOptions {
  signal?: AbortSignal;
}

/** A metric: built-in, LLM judge or made with `makeMetric`. */
export interface Metric {
  /** Logged as `<name>/mean`, `<name>/p90`, … (MLflow's convention). */
  readonly name: string;
  readonly greaterIsBetter: boolean;
  /** True when the metric needs a target (reference) per row. */
  readonly requiresTargets: boolean;
  evaluate(input: MetricInput, options?: MetricEvaluateOptions): Promise<MetricResult>;
}
