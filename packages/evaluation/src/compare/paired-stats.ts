/**
 * Paired significance over per-row score differences: a percentile bootstrap confidence interval
 * of the mean difference (seeded, so a comparison is reproducible) and a two-sided paired t-test
 * (Student's t via the regularised incomplete beta function).
 */

/** A confidence interval of the mean paired difference. */
export interface BootstrapInterval {
  low: number;
  high: number;
  confidence: number;
  iterations: number;
}

/** A paired t-test's outcome. */
export interface TTestResult {
  t: number;
  degreesOfFreedom: number;
  /** Two-sided p-value; 1 when the differences have no spread and mean 0. */
  pValue: number;
}

/** A small, fast, seedable PRNG (mulberry32) so bootstrap intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap CI of the mean of `differences` (resampled with replacement).
 *
 * @example pairedBootstrap([0.1, 0.2, -0.05, 0.3]).low
 */
export function pairedBootstrap(
  differences: readonly number[],
  options: { iterations?: number; confidence?: number; seed?: number } = {},
): BootstrapInterval {
  const iterations = options.iterations ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const n = differences.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN, confidence, iterations };
  const random = seededRandom(options.seed ?? 20240607);
  const means = new Float64Array(iterations);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let sum = 0;
    for (let draw = 0; draw < n; draw++) sum += differences[Math.floor(random() * n)]!;
    means[iteration] = sum / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) =>
    means[Math.min(iterations - 1, Math.max(0, Math.floor(q * iterations)))]!;
  return { low: at(tail), high: at(1 - tail), confidence, iterations };
}

/** ln Γ(x) by the Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
function logGamma(x: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let index = 1; index < 9; index++) sum += coefficients[index]! / (shifted + index);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let numerator = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    numerator = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + numerator * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + numerator / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return result;
}

/** The regularised incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided tail probability of Student's t with `df` degrees of freedom beyond |t|. */
export function studentTTwoSided(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return 0;
  return regularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
}

/**
 * Paired t-test of `differences` against a mean of 0.
 *
 * @example pairedTTest([1, 2, 3]).pValue
 */
export function pairedTTest(differences: readonly number[]): TTestResult {
  const n = differences.length;
  if (n < 2) return { t: Number.NaN, degreesOfFreedom: Math.max(0, n - 1), pValue: Number.NaN };
  let sum = 0;
  for (const value of differences) sum += value;
  const average = sum / n;
  let squares = 0;
  for (const value of differences) squares += (value - average) ** 2;
  const standardError = Math.sqrt(squares / (n - 1) / n);
  const degreesOfFreedom = n - 1;
  if (standardError === 0) {
    return average === 0
      ? { t: 0, degreesOfFreedom, pValue: 1 }
      : { t: Math.sign(average) * Number.POSITIVE_INFINITY, degreesOfFreedom, pValue: 0 };
  }
  const t = average / standardError;
  return { t, degreesOfFreedom, pValue: studentTTwoSided(t, degreesOfFreedom) };
}
