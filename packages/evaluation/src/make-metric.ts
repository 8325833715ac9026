/**
 * Custom metrics: `makeMetric({ name, evalFn, greaterIsBetter })`, where `evalFn` scores the whole
 * batch (sync or async) like MLflow's `make_metric`. A throwing `evalFn` marks every row with the
 * error instead of failing the evaluation.
 */
import { aggregateScores, type ScoreValue } from './aggregate/aggregate-scores.js';
import type { EvalRow, Metric, MetricResult, MetricRowScore } from './metric.js';

/** What a custom `evalFn` returns: one score per row and, optionally, extra aggregates. */
export interface EvalFnResult {
  scores: readonly (ScoreValue | undefined)[];
  aggregate?: Record<string, number>;
}

/** Options of `makeMetric`. */
export interface MakeMetricOptions {
  name: string;
  evalFn: (
    predictions: readonly unknown[],
    targets: readonly unknown[] | undefined,
    rows: readonly EvalRow[],
  ) => EvalFnResult | Promise<EvalFnResult>;
  /** Default true. */
  greaterIsBetter?: boolean;
  /** Default false. */
  requiresTargets?: boolean;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Makes a custom metric.
 *
 * @example
 * const wordCount = makeMetric({
 *   name: 'word_count',
 *   evalFn: (predictions) => ({ scores: predictions.map((p) => String(p).split(' ').length) }),
 *   greaterIsBetter: false,
 * });
 */
export function makeMetric(options: MakeMetricOptions): Metric {
  const greaterIsBetter = options.greaterIsBetter ?? true;
  return {
    name: options.name,
    greaterIsBetter,
    requiresTargets: options.requiresTargets ?? false,
    async evaluate(input): Promise<MetricResult> {
      const count = input.predictions.length;
      const rows = input.rows ?? input.predictions.map(() => ({}));
      let result: EvalFnResult;
      try {
        result = await options.evalFn(input.predictions, input.targets, rows);
        if (!Array.isArray(result?.scores) || result.scores.length !== count) {
          throw new Error(
            `evalFn must return { scores } with one score per row (${count} rows, got ${Array.isArray(result?.scores) ? result.scores.length : 'no scores array'}).`,
          );
        }
      } catch (error) {
        const rowScores: MetricRowScore[] = input.predictions.map(() => ({
          score: null,
          error: { kind: 'metric-failed', message: messageOf(error) },
        }));
        return {
          name: options.name,
          greaterIsBetter,
          rows: rowScores,
          aggregates: aggregateScores([], count),
        };
      }
      const rowScores: MetricRowScore[] = result.scores.map((score) => {
        if (score === undefined || score === null) return { score: null };
        if (typeof score === 'boolean' || (typeof score === 'number' && !Number.isNaN(score))) {
          return { score };
        }
        return {
          score: null,
          error: {
            kind: 'metric-failed',
            message: `evalFn returned a non-numeric score: ${String(score)}`,
          },
        };
      });
      const errors = rowScores.filter((row) => row.error).length;
      const aggregates = aggregateScores(
        rowScores.map((row) => row.score),
        errors,
      );
      return {
        name: options.name,
        greaterIsBetter,
        rows: rowScores,
        aggregates: result.aggregate
          ? { ...aggregates, extra: { ...result.aggregate } }
          : aggregates,
      };
    },
  };
}
