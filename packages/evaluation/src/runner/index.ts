export { canonicalJson, datasetDigest, digestOfHashes, recordHash } from './dataset-digest.js';
export {
  chatModelFromSpec,
  type JudgeSettings,
  type JudgeSpec,
  judgeName,
  judgeSettingsFromEnv,
} from './judge-spec.js';
export { type EvalData, loadRows, parseRowsText } from './load-rows.js';
export {
  isJudgeMetricSpec,
  knownMetricNames,
  type MetricSpec,
  type MetricSpecContext,
  resolveMetricSpec,
} from './metric-specs.js';
export {
  isTransientError,
  type PredictedRow,
  type PredictFn,
  type PredictRetryOptions,
  type PredictRowsOptions,
  predictRows,
} from './predict-pool.js';
export {
  type PredictionOutput,
  readPredictionOutput,
  readUsage,
  type TokenUsage,
} from './prediction-output.js';
export { buildResultsTable, type EvalTable, tableRecords } from './results-table.js';
export {
  type EvaluationFailures,
  type EvaluationProgress,
  type EvaluationResult,
  type RunEvaluationOptions,
  runEvaluation,
} from './run-evaluation.js';
export { lookupRunMetric, metricPrefix, runMetricEntries } from './run-metric-names.js';
