import { basename } from 'node:path';
import {
  datasetDigest,
  defaultMetrics,
  type EvalData,
  type EvalRow,
  type EvaluationResult,
  type JudgeSettings,
  type JudgeSpec,
  judgeName,
  judgeSettingsFromEnv,
  loadRows,
  type Metric,
  type MetricSpec,
  type ModelType,
  type PredictedRow,
  type PredictFn,
  type PredictRetryOptions,
  resolveMetricSpec,
  runEvaluation,
} from '@cairn/evaluation';
import type { DatasetInput } from '@cairn/spec';
import type { Cairn } from '../fluent/cairn.js';
import { getDefaultCairn } from '../fluent/default-cairn.js';
import { datasetRecordToRow } from './dataset-rows.js';
import { DatasetsClient } from './datasets-client.js';
import { evaluationProgressBar } from './progress-bar.js';

/** A registered dataset: `{ dataset: 'qa', version: 2 }` or the URI `datasets:/qa@2`. */
export type DatasetReference = { dataset: string; version?: number };

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Rows, a CSV/JSONL file path, a `datasets:/name[@version]` URI or `{ dataset, version }`. */
  data: EvalData | DatasetReference;
  /** The model: called per row; without it predictions come from `predictionsColumn`. */
  predict?: PredictFn;
  predictionsColumn?: string;
  targetsColumn?: string;
  inputsColumn?: string;
  modelType: ModelType;
  /** Metric objects or names/specs (`'exact_match'`, `{ name: 'answer_correctness' }`); default: the model type's set. */
  metrics?: readonly (Metric | MetricSpec)[];
  /** Metrics added to the default set. */
  extraMetrics?: readonly (Metric | MetricSpec)[];
  /** Judge for judge metrics named by spec: `gateway:/route`, `openai:/gpt-4o` or a ChatModel. */
  judge?: JudgeSpec;
  /** Experiment name (created when missing); default: the Cairn instance's experiment. */
  experiment?: string;
  runName?: string;
  tags?: Record<string, string>;
  /** predict calls in flight (default 8). */
  concurrency?: number;
  retry?: PredictRetryOptions;
  /** Name of the logged dataset when `data` is rows or a file. */
  datasetName?: string;
  /** Log to the tracking server (default true); false evaluates offline. */
  log?: boolean;
  /** Trace each predict call as a span of the run's experiment (default true). */
  trace?: boolean;
  /** Progress bar on standard error (default: when it is a terminal). */
  progress?: boolean;
  /** The client instance (default: the module-level one). */
  cairn?: Cairn;
  /** Environment for judge URIs (CAIRN_GATEWAY_URL, OPENAI_BASE_URL, OPENAI_API_KEY). */
  env?: NodeJS.ProcessEnv;
  judgeSettings?: JudgeSettings;
}

/** What the evaluation used as its dataset (logged with `log-inputs`). */
export interface EvaluatedDataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  version?: number;
}

/** The result of `evaluate`: metrics, the table, failures, and where it was logged. */
export interface EvaluateResult extends EvaluationResult {
  runId?: string;
  experimentId?: string;
  dataset: EvaluatedDataset;
}

/** The run tag holding each metric's direction (read by comparisons). */
export const metricDirectionsTag = 'cairn.evaluation.greater_is_better';

function isMetric(value: Metric | MetricSpec): value is Metric {
  return typeof value === 'object' && typeof (value as Metric).evaluate === 'function';
}

function datasetReference(data: EvaluateOptions['data']): DatasetReference | undefined {
  if (typeof data === 'string') {
    const match = /^datasets:\/{1,2}([^@]+)(?:@(\d+))?$/.exec(data);
    if (!match) return undefined;
    return { dataset: match[1]!, ...(match[2] ? { version: Number(match[2]) } : {}) };
  }
  if (!Array.isArray(data) && typeof (data as DatasetReference).dataset === 'string') {
    return data as DatasetReference;
  }
  return undefined;
}

async function resolveData(
  options: EvaluateOptions,
  cairn: Cairn,
): Promise<{ rows: EvalRow[]; dataset: EvaluatedDataset }> {
  const reference = datasetReference(options.data);
  if (reference) {
    const client = new DatasetsClient(cairn.trackingUri);
    const { records, version, digest } = await client.records(reference.dataset, reference.version);
    return {
      rows: records.map(datasetRecordToRow),
      dataset: {
        name: reference.dataset,
        digest,
        version,
        sourceType: 'cairn_dataset',
        source: `datasets:/${reference.dataset}@${version}`,
      },
    };
  }
  const rows = await loadRows(options.data as EvalData);
  const file = typeof options.data === 'string' ? options.data : undefined;
  return {
    rows,
    dataset: {
      name: options.datasetName ?? (file ? basename(file) : 'dataset'),
      digest: datasetDigest(rows),
      sourceType: file ? 'local' : 'code',
      source: file ?? 'in-memory rows',
    },
  };
}

function truncate(text: string, limit = 5000): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * Evaluates a model (or stored predictions) on a dataset: predicts every row with bounded
 * concurrency and retries (each call traced), scores the metrics, and logs one run with the
 * aggregates as metrics (`toxicity/v1/mean`, …), `eval_results_table.json`, the dataset as a run
 * input and tags saying what failed. Bad rows never fail the run.
 *
 * @example
 * const result = await evaluate({
 *   data: 'qa.jsonl', modelType: 'question-answering', experiment: 'qa-bot',
 *   predict: async (row) => chat(String(row.inputs)),
 *   metrics: ['exact_match', 'toxicity', 'answer_correctness'], judge: 'gateway:/judge',
 * });
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
  const cairn = options.cairn ?? getDefaultCairn();
  const judgeSettings = options.judgeSettings ?? judgeSettingsFromEnv(options.env ?? process.env);
  const context = { ...(options.judge ? { judge: options.judge } : {}), judgeSettings };
  const toMetric = (item: Metric | MetricSpec) =>
    isMetric(item) ? item : resolveMetricSpec(item, context);
  const metrics = [
    ...(options.metrics ?? defaultMetrics(options.modelType)).map(toMetric),
    ...(options.extraMetrics ?? []).map(toMetric),
  ];
  const { rows, dataset } = await resolveData(options, cairn);

  const progress = evaluationProgressBar(options.progress ?? Boolean(process.stderr.isTTY));
  const evaluateRows = (tracing: boolean) =>
    runEvaluation({
      rows,
      metrics,
      ...(options.predict ? { predict: options.predict } : {}),
      ...(options.predictionsColumn ? { predictionsColumn: options.predictionsColumn } : {}),
      ...(options.targetsColumn ? { targetsColumn: options.targetsColumn } : {}),
      ...(options.inputsColumn ? { inputsColumn: options.inputsColumn } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(tracing ? { wrapPredict: tracePredict(cairn) } : {}),
      onProgress: (update) => progress.update(update),
    });

  if (options.log === false) {
    try {
      return { ...(await evaluateRows(false)), dataset };
    } finally {
      progress.stop();
    }
  }

  const experimentId = options.experiment
    ? (await cairn.setExperiment(options.experiment)).experiment_id
    : await cairn.resolveExperimentId();
  return cairn.withRun(
    async (run) => {
      let result: EvaluationResult;
      try {
        result = await evaluateRows(options.trace !== false && options.predict !== undefined);
      } finally {
        progress.stop();
      }
      await logResult(cairn, run.runId, result, dataset, options, metrics);
      if (options.trace !== false && options.predict) await cairn.tracer.flush();
      return { ...result, runId: run.runId, experimentId, dataset };
    },
    {
      experimentId,
      ...(options.runName ? { runName: options.runName } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    },
  );
}

/** Each predict call as a CHAIN span with the row as inputs and the prediction as outputs. */
function tracePredict(cairn: Cairn) {
  return <T>(row: EvalRow, index: number, call: () => Promise<T>): Promise<T> =>
    cairn.tracer.startSpan(
      {
        name: 'evaluate.predict',
        spanType: 'CHAIN',
        inputs: row,
        attributes: { 'cairn.evaluation.row': index },
      },
      async (span) => {
        const result = await call();
        const predicted = result as unknown as PredictedRow;
        if (predicted.error !== undefined) span.setStatus('ERROR', predicted.error);
        span.setOutputs(predicted.prediction ?? null);
        if (predicted.usage)
          span.setAttribute('mlflow.chat.tokenUsage', {
            input_tokens: predicted.usage.inputTokens,
            output_tokens: predicted.usage.outputTokens,
            total_tokens: predicted.usage.totalTokens,
          });
        return result;
      },
    );
}

async function logResult(
  cairn: Cairn,
  runId: string,
  result: EvaluationResult,
  dataset: EvaluatedDataset,
  options: EvaluateOptions,
  metrics: readonly Metric[],
): Promise<void> {
  const client = cairn.client;
  const timestamp = Date.now();
  const directions = Object.fromEntries(
    result.metricResults.map((item) => [item.name, item.greaterIsBetter]),
  );
  const failures = result.failures;
  const tags: Record<string, string> = {
    'cairn.evaluation': 'true',
    'cairn.evaluation.model_type': options.modelType,
    'cairn.evaluation.status': result.complete ? 'complete' : 'partial',
    [metricDirectionsTag]: JSON.stringify(directions),
  };
  if (!result.complete) {
    tags['cairn.evaluation.failures'] = truncate(
      JSON.stringify({
        prediction_errors: failures.predictionErrors,
        metric_errors: failures.metricErrors,
        unscored_metrics: failures.unscoredMetrics,
        examples: failures.examples,
      }),
    );
  }
  const params: { key: string; value: unknown }[] = [
    { key: 'model_type', value: options.modelType },
    { key: 'metrics', value: truncate(metrics.map((metric) => metric.name).join(','), 6000) },
    { key: 'dataset_name', value: dataset.name },
    { key: 'dataset_digest', value: dataset.digest },
  ];
  if (options.predict) params.push({ key: 'concurrency', value: options.concurrency ?? 8 });
  if (options.judge) params.push({ key: 'judge', value: judgeName(options.judge) });
  await client.logBatch(runId, {
    metrics: Object.entries(result.metrics).map(([key, value]) => ({ key, value, timestamp })),
    params,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  await client.logDict(runId, result.table, 'eval_results_table.json');
  const input: DatasetInput = {
    tags: [{ key: 'mlflow.data.context', value: 'evaluation' }],
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: JSON.stringify({
        uri: dataset.source,
        ...(dataset.version ? { version: dataset.version } : {}),
      }),
      schema: JSON.stringify({ columns: result.table.columns }),
      profile: JSON.stringify({ num_rows: result.rowCount }),
    },
  };
  await client.logInputs(runId, [input]);
}
