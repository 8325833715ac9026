/**
 * Side-by-side comparison of two evaluations from their results tables: per metric, the means,
 * the difference, a paired bootstrap interval and paired t-test over rows present in both, a
 * verdict that knows which direction is better, and the rows that got worse.
 */
import type { EvalTable } from '../runner/results-table.js';
import { pairedBootstrap, pairedTTest } from './paired-stats.js';

/** One side of a comparison: its results table and, when known, each metric's direction. */
export interface EvaluationSide {
  table: EvalTable;
  /** Metric name → greater is better; unknown metrics use `lowerIsBetterMetrics`, else true. */
  greaterIsBetter?: Readonly<Record<string, boolean>>;
}

/** Options of `compareEvaluations`. */
export interface CompareOptions {
  /** Significance level of both tests (default 0.05). */
  alpha?: number;
  bootstrapIterations?: number;
  seed?: number;
  /** Most regressed rows listed (default 20). */
  maxRegressions?: number;
}

/** How one metric changed. */
export interface MetricComparison {
  metric: string;
  greaterIsBetter: boolean;
  baselineMean: number | null;
  candidateMean: number | null;
  /** candidateMean − baselineMean. */
  delta: number | null;
  /** Rows scored on both sides. */
  pairedCount: number;
  meanPairedDelta: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  pValue: number | null;
  verdict: 'improved' | 'regressed' | 'unchanged' | 'insufficient-data';
  /** Paired rows where the candidate scored worse. */
  regressedRows: number;
  improvedRows: number;
}

/** A row where the candidate scored worse than the baseline. */
export interface RowRegression {
  metric: string;
  /** The pairing key (the row's input, or its index). */
  key: string;
  rowIndex: number;
  baseline: number;
  candidate: number;
  delta: number;
  baselinePrediction?: unknown;
  candidatePrediction?: unknown;
}

/** The comparison of a candidate with a baseline. */
export interface EvaluationComparison {
  metrics: MetricComparison[];
  regressions: RowRegression[];
  pairedBy: string;
}

/** Built-in metrics where a lower value is better. */
export const lowerIsBetterMetrics: ReadonlySet<string> = new Set([
  'toxicity',
  'flesch_kincaid_grade_level',
  'ari_grade_level',
  'token_count',
  'answer_length',
  'latency',
  'perplexity',
]);

const keyColumns = ['inputs', 'question', 'input', 'prompt'];
const predictionColumns = ['predictions', 'outputs', 'output'];

/** `toxicity/v1/score` → `toxicity`; `my_metric/score` → `my_metric`. */
function metricOf(column: string): string {
  return column.slice(0, -'/score'.length).replace(/\/v\d+$/, '');
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function average(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Row keys: the input column's JSON plus an occurrence count (so duplicates pair in order). */
function rowKeys(table: EvalTable, column: string | undefined): string[] {
  const index = column === undefined ? -1 : table.columns.indexOf(column);
  const seen = new Map<string, number>();
  return table.data.map((row, rowIndex) => {
    if (index < 0) return `#${rowIndex}`;
    const base = JSON.stringify(row[index] ?? null);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}#${count}`;
  });
}

function directionOf(metric: string, sides: readonly EvaluationSide[]): boolean {
  for (const side of sides) {
    const known = side.greaterIsBetter?.[metric];
    if (known !== undefined) return known;
  }
  return !lowerIsBetterMetrics.has(metric);
}

/**
 * Compares a candidate evaluation with a baseline.
 *
 * @example compareEvaluations({ table: baselineTable }, { table: candidateTable }).metrics
 */
export function compareEvaluations(
  baseline: EvaluationSide,
  candidate: EvaluationSide,
  options: CompareOptions = {},
): EvaluationComparison {
  const alpha = options.alpha ?? 0.05;
  const keyColumn = keyColumns.find(
    (column) => baseline.table.columns.includes(column) && candidate.table.columns.includes(column),
  );
  const baselineKeys = rowKeys(baseline.table, keyColumn);
  const candidateKeys = rowKeys(candidate.table, keyColumn);
  const candidateIndexByKey = new Map(candidateKeys.map((key, index) => [key, index]));
  const predictionColumn = (table: EvalTable) =>
    table.columns.indexOf(predictionColumns.find((column) => table.columns.includes(column)) ?? '');
  const baselinePrediction = predictionColumn(baseline.table);
  const candidatePrediction = predictionColumn(candidate.table);

  const scoreColumns = (table: EvalTable) =>
    new Map(
      table.columns
        .map((column, index) => [column, index] as const)
        .filter(([column]) => column.endsWith('/score'))
        .map(([column, index]) => [metricOf(column), index] as const),
    );
  const baselineColumns = scoreColumns(baseline.table);
  const candidateColumns = scoreColumns(candidate.table);

  const metrics: MetricComparison[] = [];
  const regressions: RowRegression[] = [];
  for (const [metric, baselineIndex] of baselineColumns) {
    const candidateIndex = candidateColumns.get(metric);
    if (candidateIndex === undefined) continue;
    const greaterIsBetter = directionOf(metric, [candidate, baseline]);
    const baselineScores = baseline.table.data
      .map((row) => numeric(row[baselineIndex]))
      .filter((value): value is number => value !== undefined);
    const candidateScores = candidate.table.data
      .map((row) => numeric(row[candidateIndex]))
      .filter((value): value is number => value !== undefined);
    const differences: number[] = [];
    let regressedRows = 0;
    let improvedRows = 0;
    baseline.table.data.forEach((row, rowIndex) => {
      const before = numeric(row[baselineIndex]);
      const pairIndex = candidateIndexByKey.get(baselineKeys[rowIndex]!);
      if (before === undefined || pairIndex === undefined) return;
      const candidateRow = candidate.table.data[pairIndex]!;
      const after = numeric(candidateRow[candidateIndex]);
      if (after === undefined) return;
      const delta = after - before;
      differences.push(delta);
      const worse = greaterIsBetter ? delta < 0 : delta > 0;
      const better = greaterIsBetter ? delta > 0 : delta < 0;
      if (better) improvedRows++;
      if (worse) {
        regressedRows++;
        regressions.push({
          metric,
          key: baselineKeys[rowIndex]!,
          rowIndex,
          baseline: before,
          candidate: after,
          delta,
          ...(baselinePrediction >= 0 ? { baselinePrediction: row[baselinePrediction] } : {}),
          ...(candidatePrediction >= 0
            ? { candidatePrediction: candidateRow[candidatePrediction] }
            : {}),
        });
      }
    });
    const baselineMean = average(baselineScores);
    const candidateMean = average(candidateScores);
    const meanPairedDelta = average(differences);
    let ciLow: number | null = null;
    let ciHigh: number | null = null;
    let pValue: number | null = null;
    let verdict: MetricComparison['verdict'] = 'insufficient-data';
    if (differences.length >= 2) {
      const interval = pairedBootstrap(differences, {
        confidence: 1 - alpha,
        ...(options.bootstrapIterations ? { iterations: options.bootstrapIterations } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
      const test = pairedTTest(differences);
      ciLow = interval.low;
      ciHigh = interval.high;
      pValue = Number.isNaN(test.pValue) ? null : test.pValue;
      const significant = (interval.low > 0 || interval.high < 0) && (pValue ?? 1) < alpha;
      if (!significant) verdict = 'unchanged';
      else verdict = meanPairedDelta! > 0 === greaterIsBetter ? 'improved' : 'regressed';
    }
    metrics.push({
      metric,
      greaterIsBetter,
      baselineMean,
      candidateMean,
      delta: baselineMean === null || candidateMean === null ? null : candidateMean - baselineMean,
      pairedCount: differences.length,
      meanPairedDelta,
      ciLow,
      ciHigh,
      pValue,
      verdict,
      regressedRows,
      improvedRows,
    });
  }
  regressions.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
  return {
    metrics,
    regressions: regressions.slice(0, options.maxRegressions ?? 20),
    pairedBy: keyColumn ?? 'row index',
  };
}
