/**
 * The evaluation runner without I/O of its own: predicts every row (when given a `predict`),
 * scores every metric, aggregates, and builds the results table. Bad input never throws: a row
 * with a missing column, an empty or non-string prediction, a failed `predict` or a judge that
 * gave up carries an error, and the result says how many rows each metric scored.
 */
import { aggregateScores } from '../aggregate/aggregate-scores.js';
import { builtinMetrics } from '../builtin-metrics.js';
import type { EvalRow, Metric, MetricResult, MetricRowScore } from '../metric.js';
import {
  type PredictedRow,
  type PredictFn,
  type PredictRetryOptions,
  predictRows,
} from './predict-pool.js';
import { buildResultsTable, type EvalTable } from './results-table.js';
import { metricPrefix, runMetricEntries } from './run-metric-names.js';

/** Progress of a running evaluation (for a progress bar). */
export interface EvaluationProgress {
  phase: 'predict' | 'score';
  done: number;
  total: number;
  failed: number;
}

/** Options of `runEvaluation`. */
export interface RunEvaluationOptions {
  rows: readonly EvalRow[];
  metrics: readonly Metric[];
  /** The model under evaluation; without it predictions are read from `predictionsColumn`. */
  predict?: PredictFn;
  /** Column holding predictions (default `predictions`); where predict's outputs go otherwise. */
  predictionsColumn?: string;
  /** Column of targets (default: the first of `targets`, `ground_truth`, `expected_response`). */
  targetsColumn?: string;
  /** Column of the model input (default: the first of `inputs`, `question`, `input`, `prompt`). */
  inputsColumn?: string;
  /** predict calls in flight (default 8). */
  concurrency?: number;
  retry?: PredictRetryOptions;
  signal?: AbortSignal;
  /** Wraps each predict call (tracing). */
  wrapPredict?: <T>(row: EvalRow, index: number, call: () => Promise<T>) => Promise<T>;
  onProgress?: (progress: EvaluationProgress) => void;
}

/** What failed, for the run's tags and the caller. */
export interface EvaluationFailures {
  /** Rows without a prediction (predict failed, or the predictions column is missing or empty). */
  predictionErrors: number;
  /** Rows with an error, per metric name. */
  metricErrors: Record<string, number>;
  /** Metrics that scored no row at all. */
  unscoredMetrics: string[];
  /** A few example messages, for a first look. */
  examples: string[];
}

/** The outcome of an evaluation. */
export interface EvaluationResult {
  /** Run metrics (`toxicity/v1/mean`, …) as logged. */
  metrics: Record<string, number>;
  metricResults: MetricResult[];
  /** The per-row table (`eval_results_table.json`). */
  table: EvalTable;
  rowCount: number;
  failures: EvaluationFailures;
  /** Whether every row of every metric was scored. */
  complete: boolean;
  durationMs: number;
}

const targetColumns = ['targets', 'ground_truth', 'expected_response'];
const inputColumns = ['inputs', 'question', 'input', 'prompt'];

function firstPresent(rows: readonly EvalRow[], names: readonly string[]): string | undefined {
  return names.find((name) => rows.some((row) => row[name] !== undefined));
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}

/** Empty predictions carry an error instead of a score in every metric. */
function withEmptyPredictionErrors(
  result: MetricResult,
  empty: readonly (string | undefined)[],
): MetricResult {
  if (!empty.some(Boolean)) return result;
  const rows: MetricRowScore[] = result.rows.map((row, index) =>
    empty[index] ? { score: null, error: { kind: 'invalid-input', message: empty[index]! } } : row,
  );
  const errorCount = rows.filter((row) => row.error).length;
  const aggregates = aggregateScores(
    rows.map((row) => (row.error ? null : row.score)),
    errorCount,
  );
  const extra = result.aggregates.extra;
  return { ...result, rows, aggregates: extra ? { ...aggregates, extra } : aggregates };
}

async function evaluateSafely(
  metric: Metric,
  input: Parameters<Metric['evaluate']>[0],
  signal?: AbortSignal,
): Promise<MetricResult> {
  try {
    return await metric.evaluate(input, signal ? { signal } : {});
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const rows = input.predictions.map(
      (): MetricRowScore => ({ score: null, error: { kind: 'metric-failed', message } }),
    );
    return {
      name: metric.name,
      greaterIsBetter: metric.greaterIsBetter,
      rows,
      aggregates: { scoredCount: 0, errorCount: rows.length },
    };
  }
}

/**
 * Runs an evaluation over rows already in memory.
 *
 * @example
 * const result = await runEvaluation({ rows, predict: (row) => answer(row.inputs),
 *   metrics: defaultMetrics('question-answering'), concurrency: 16 });
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationResult> {
  const started = performance.now();
  const { rows } = options;
  const predictionsColumn = options.predictionsColumn ?? 'predictions';
  const targetsColumn = options.targetsColumn ?? firstPresent(rows, targetColumns);
  const inputsColumn = options.inputsColumn ?? firstPresent(rows, inputColumns);
  const report = options.onProgress;

  let predicted: PredictedRow[];
  if (options.predict) {
    let done = 0;
    let failed = 0;
    report?.({ phase: 'predict', done, total: rows.length, failed });
    predicted = await predictRows({
      rows,
      predict: options.predict,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.wrapPredict ? { wrap: options.wrapPredict } : {}),
      onRowDone: (_index, result) => {
        done++;
        if (result.error) failed++;
        report?.({ phase: 'predict', done, total: rows.length, failed });
      },
    });
  } else {
    predicted = rows.map((row) =>
      predictionsColumn in row
        ? { prediction: row[predictionsColumn], attempts: 0 }
        : { attempts: 0, error: `missing column '${predictionsColumn}'` },
    );
  }

  const predictions = predicted.map((item) => item.prediction);
  const emptyReasons = predicted.map((item) =>
    item.error !== undefined
      ? `no prediction: ${item.error}`
      : isEmpty(item.prediction)
        ? 'empty prediction'
        : undefined,
  );
  const targets = targetsColumn ? rows.map((row) => row[targetsColumn]) : undefined;
  const metricRows: EvalRow[] = rows.map((row, index) => {
    const item = predicted[index]!;
    return {
      ...row,
      ...(inputsColumn && inputsColumn !== 'inputs' ? { inputs: row[inputsColumn] } : {}),
      ...(targets ? { targets: targets[index] } : {}),
      [predictionsColumn]: item.prediction,
      ...(item.latencyMs !== undefined ? { latency: item.latencyMs / 1000 } : {}),
      ...(item.logprobs !== undefined ? { logprobs: item.logprobs } : {}),
    };
  });

  const metrics = [...options.metrics];
  if (options.predict && !metrics.some((metric) => metric.name === 'latency')) {
    metrics.push(builtinMetrics.latency());
  }
  report?.({ phase: 'score', done: 0, total: metrics.length, failed: 0 });
  let scored = 0;
  const metricResults = await Promise.all(
    metrics.map(async (metric) => {
      const result = await evaluateSafely(
        metric,
        { predictions, ...(targets ? { targets } : {}), rows: metricRows },
        options.signal,
      );
      scored++;
      report?.({ phase: 'score', done: scored, total: metrics.length, failed: 0 });
      // Latency is measured, not predicted: a failed row has none, whatever the prediction.
      return metric.name === 'latency' ? result : withEmptyPredictionErrors(result, emptyReasons);
    }),
  );

  const runMetrics: Record<string, number> = {};
  for (const result of metricResults) Object.assign(runMetrics, runMetricEntries(result));
  const usage = predicted.filter((item) => item.usage);
  if (usage.length > 0) {
    runMetrics['token_usage/input_tokens'] = usage.reduce(
      (sum, item) => sum + item.usage!.inputTokens,
      0,
    );
    runMetrics['token_usage/output_tokens'] = usage.reduce(
      (sum, item) => sum + item.usage!.outputTokens,
      0,
    );
    runMetrics['token_usage/total_tokens'] = usage.reduce(
      (sum, item) => sum + item.usage!.totalTokens,
      0,
    );
  }
  const predictionErrors = emptyReasons.filter(Boolean).length;
  runMetrics['evaluation/row_count'] = rows.length;
  runMetrics['evaluation/prediction_error_count'] = predictionErrors;

  const table = buildResultsTable(
    rows.map((row, index) => {
      const item = predicted[index]!;
      const extra: Record<string, unknown> = { [predictionsColumn]: item.prediction };
      if (targetsColumn && targetsColumn !== 'targets' && targets) extra.targets = targets[index];
      if (options.predict) {
        extra.latency = item.latencyMs === undefined ? null : item.latencyMs / 1000;
        if (usage.length > 0) extra.total_tokens = item.usage?.totalTokens ?? null;
      }
      if (predictionErrors > 0) extra.error = emptyReasons[index] ?? null;
      return { row, extra };
    }),
    metricResults,
    (result) => metricPrefix(result.name),
  );

  const metricErrors: Record<string, number> = {};
  const examples: string[] = [];
  for (const reason of emptyReasons) if (reason && examples.length < 3) examples.push(reason);
  for (const result of metricResults) {
    const errors = result.rows.filter((row) => row.error);
    if (errors.length > 0) metricErrors[result.name] = errors.length;
    const first = errors.find((row) => !emptyReasons[result.rows.indexOf(row)]);
    if (first?.error && examples.length < 6)
      examples.push(`${result.name}: ${first.error.message}`);
  }
  const unscoredMetrics = metricResults
    .filter((result) => result.aggregates.scoredCount === 0)
    .map((result) => result.name);
  return {
    metrics: runMetrics,
    metricResults,
    table,
    rowCount: rows.length,
    failures: { predictionErrors, metricErrors, unscoredMetrics, examples },
    complete: predictionErrors === 0 && Object.keys(metricErrors).length === 0,
    durationMs: performance.now() - started,
  };
}
