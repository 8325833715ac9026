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

/** P(|T| > t) for Student's t with `freedom` degrees: I_{ν/(ν+t²)}(ν/2, 1/2). */
export function studentTwoSidedP(t: number, freedom: number): number {
  return regularizedIncompleteBeta(freedom / (freedom + t * t), freedom / 2, 0.5);
}

function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The continued fraction converges fast on this side; use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(x, a, b)) / a;
  return 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return result;
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < 9; i++) sum += coefficients[i]! / (shifted + i);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
