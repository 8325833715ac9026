/**
 * Builds a metric from a per-row scoring function: checks each row's inputs (a missing target or
 * a non-string prediction becomes a row error, as MLflow skips non-string rows) and catches a
 * scorer that throws on one row without losing the others.
 */
import { aggregateScores, type ScoreValue } from './aggregate/aggregate-scores.js';
import type { EvalRow, Metric, MetricResult, MetricRowScore } from './metric.js';

/** Options of `rowMetric`. */
export interface RowMetricOptions<P, T> {
  name: string;
  greaterIsBetter: boolean;
  requiresTargets: boolean;
  /** Narrows a prediction; returns an error message when the value cannot be scored. */
  checkPrediction: (value: unknown) => { value: P } | { error: string };
  checkTarget?: (value: unknown) => { value: T } | { error: string };
  score: (prediction: P, target: T | undefined, row: EvalRow) => ScoreValue | Promise<ScoreValue>;
  /** Extra aggregates computed over the valid rows (e.g. corpus BLEU). */
  extra?: (predictions: P[], targets: (T | undefined)[]) => Record<string, number>;
}

/** Accepts strings only (MLflow's text metrics skip anything else). */
export const stringValue = (value: unknown): { value: string } | { error: string } =>
  typeof value === 'string'
    ? { value }
    : { error: `expected a string, got ${value === null ? 'null' : typeof value}` };

/** Accepts a string or an array of strings (several references). */
export const referencesValue = (
  value: unknown,
): { value: string | string[] } | { error: string } => {
  if (typeof value === 'string') return { value };
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return { value: value as string[] };
  }
  return { error: 'expected a reference string or a non-empty array of strings' };
};

/** Makes a metric that scores each row on its own. */
export function rowMetric<P, T = never>(options: RowMetricOptions<P, T>): Metric {
  return {
    name: options.name,
    greaterIsBetter: options.greaterIsBetter,
    requiresTargets: options.requiresTargets,
    async evaluate(input): Promise<MetricResult> {
      const rows: MetricRowScore[] = [];
      const validPredictions: P[] = [];
      const validTargets: (T | undefined)[] = [];
      for (let index = 0; index < input.predictions.length; index++) {
        const row = input.rows?.[index] ?? {};
        const prediction = options.checkPrediction(input.predictions[index]);
        if ('error' in prediction) {
          rows.push({
            score: null,
            error: { kind: 'invalid-input', message: `prediction: ${prediction.error}` },
          });
          continue;
        }
        let target: T | undefined;
        if (options.requiresTargets) {
          const raw = input.targets?.[index];
          const checked = options.checkTarget
            ? options.checkTarget(raw)
            : { error: 'this metric needs a target check' };
          if (raw === undefined || 'error' in checked) {
            const message =
              raw === undefined
                ? 'missing target'
                : `target: ${(checked as { error: string }).error}`;
            rows.push({ score: null, error: { kind: 'invalid-input', message } });
            continue;
          }
          target = checked.value;
        }
        try {
          rows.push({ score: await options.score(prediction.value, target, row) });
          validPredictions.push(prediction.value);
          validTargets.push(target);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          rows.push({ score: null, error: { kind: 'metric-failed', message } });
        }
      }
      const errors = rows.filter((row) => row.error).length;
      const aggregates = aggregateScores(
        rows.map((row) => row.score),
        errors,
      );
      const extra =
        options.extra && validPredictions.length > 0
          ? options.extra(validPredictions, validTargets)
          : undefined;
      return {
        name: options.name,
        greaterIsBetter: options.greaterIsBetter,
        rows,
        aggregates: extra ? { ...aggregates, extra } : aggregates,
      };
    },
  };
}
