/**
 * Aggregation of per-row scores into the numbers logged as run metrics: mean, p50, p90, min, max
 * and variance for numeric scores (percentiles interpolate linearly, as numpy's default), pass
 * rate for boolean scores, and how many rows were scored versus errored.
 */

/** A per-row score: numeric, boolean (pass/fail) or null (not scored). */
export type ScoreValue = number | boolean | null;

/** Aggregates of one metric over the rows. */
export interface MetricAggregates {
  /** Rows that produced a score. */
  scoredCount: number;
  /** Rows that carry an error instead of a score. */
  errorCount: number;
  mean?: number;
  p50?: number;
  p90?: number;
  min?: number;
  max?: number;
  variance?: number;
  /** Share of boolean scores that are true (0–1). */
  passRate?: number;
}

/**
 * The q-th percentile (0–100) of `values` with linear interpolation (numpy's default method).
 *
 * @example percentile([1, 2, 3, 4], 50) // 2.5
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const fraction = rank - lower;
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * fraction;
}

/** The arithmetic mean, NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/**
 * Aggregates per-row scores. Booleans give a pass rate (and a mean of 0/1); numbers give mean,
 * p50, p90, min, max and variance; nulls count as neither scored nor errored unless listed in
 * `errorCount`.
 *
 * @example aggregateScores([1, 2, 3]).mean // 2
 */
export function aggregateScores(scores: readonly ScoreValue[], errorCount = 0): MetricAggregates {
  const numbers: number[] = [];
  let booleans = 0;
  let passes = 0;
  for (const score of scores) {
    if (typeof score === 'boolean') {
      booleans++;
      if (score) passes++;
      numbers.push(score ? 1 : 0);
    } else if (typeof score === 'number' && Number.isFinite(score)) {
      numbers.push(score);
    }
  }
  const aggregates: MetricAggregates = { scoredCount: numbers.length, errorCount };
  if (numbers.length === 0) return aggregates;
  const average = mean(numbers);
  let squares = 0;
  for (const value of numbers) squares += (value - average) ** 2;
  Object.assign(aggregates, {
    mean: average,
    p50: percentile(numbers, 50),
    p90: percentile(numbers, 90),
    min: Math.min(...numbers),
    max: Math.max(...numbers),
    variance: squares / numbers.length,
  });
  if (booleans > 0) aggregates.passRate = passes / booleans;
  return aggregates;
}
