import { studentTTwoSided } from '@cairn/evaluation';

/** Small, dependency-free statistics for A/B reports. */

/** The p-th percentile (0–100) by linear interpolation; undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Arithmetic mean; undefined for no values. */
export function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** A test's outcome: statistic and two-sided p-value. */
export interface TestResult {
  statistic: number;
  pValue: number;
}

/** Two-proportion z-test (pooled), two-sided; undefined when either sample is empty or degenerate. */
export function twoProportionZTest(
  successesA: number,
  totalA: number,
  successesB: number,
  totalB: number,
): TestResult | undefined {
  if (totalA === 0 || totalB === 0) return undefined;
  const pooled = (successesA + successesB) / (totalA + totalB);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / totalA + 1 / totalB));
  if (standardError === 0) return undefined;
  const statistic = (successesB / totalB - successesA / totalA) / standardError;
  return { statistic, pValue: 2 * (1 - normalCdf(Math.abs(statistic))) };
}

/** Welch's unequal-variance t-test of mean(B) − mean(A), two-sided; needs two values per side. */
export function welchTTest(a: readonly number[], b: readonly number[]): TestResult | undefined {
  return welchTTestOfMoments(momentsOf(a), momentsOf(b));
}

/** A sample's count, sum and sum of squares. */
export interface SampleMoments {
  n: number;
  sum: number;
  sumSquares: number;
}

/** The moments of a list of values. */
export function momentsOf(values: readonly number[]): SampleMoments {
  return {
    n: values.length,
    sum: values.reduce((sum, v) => sum + v, 0),
    sumSquares: values.reduce((sum, v) => sum + v * v, 0),
  };
}

/** Welch's t-test from moments (what SQL aggregates give), two-sided; needs n ≥ 2 per side. */
export function welchTTestOfMoments(a: SampleMoments, b: SampleMoments): TestResult | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const meanA = a.sum / a.n;
  const meanB = b.sum / b.n;
  // Clamped: rounding can make sum-of-squares variance of equal values slightly negative.
  const varianceOf = (m: SampleMoments, average: number) =>
    Math.max(0, (m.sumSquares - m.n * average * average) / (m.n - 1));
  const termA = varianceOf(a, meanA) / a.n;
  const termB = varianceOf(b, meanB) / b.n;
  const standardError = Math.sqrt(termA + termB);
  if (standardError === 0 || !Number.isFinite(standardError)) return undefined;
  const statistic = (meanB - meanA) / standardError;
  const freedom = (termA + termB) ** 2 / (termA ** 2 / (a.n - 1) + termB ** 2 / (b.n - 1));
  return { statistic, pValue: studentTwoSidedP(Math.abs(statistic), freedom) };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(|T| > t) for Student's t with `freedom` degrees: the evaluation package's implementation. */
export const studentTwoSidedP = studentTTwoSided;
