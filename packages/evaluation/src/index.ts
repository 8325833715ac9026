/**
 * @cairn/evaluation: metrics with the field's reference definitions (BLEU as sacrebleu, ROUGE as
 * rouge-score, readability as textstat, retrieval as MLflow), LLM-judge metrics over any
 * ChatModel, custom metrics, and the aggregation the evaluation runner logs.
 */

export {
  aggregateScores,
  type MetricAggregates,
  mean,
  percentile,
  type ScoreValue,
} from './aggregate/aggregate-scores.js';
export {
  builtinMetrics,
  type DefaultMetricsOptions,
  defaultMetrics,
  type ModelType,
} from './builtin-metrics.js';
export {
  type BootstrapInterval,
  type CompareOptions,
  compareEvaluations,
  type EvaluationComparison,
  type EvaluationSide,
  evaluateGateRules,
  type GateOperator,
  type GateResult,
  type GateRule,
  lowerIsBetterMetrics,
  type MetricComparison,
  pairedBootstrap,
  pairedTTest,
  parseGateRule,
  type RowRegression,
  regularizedBeta,
  studentTTwoSided,
  type TTestResult,
} from './compare/index.js';
export {
  type GenaiMetricOptions,
  type JudgeColumns,
  type JudgeOptions,
  makeGenaiMetric,
} from './judge/genai-metric.js';
export {
  answerCorrectness,
  answerRelevance,
  answerSimilarity,
  faithfulness,
  guidelines,
  type JudgeMetricOptions,
  relevance,
  safety,
} from './judge/judge-metrics.js';
export type { GenaiExample } from './judge/judge-prompt.js';
export { mapWithConcurrency } from './judge/map-with-concurrency.js';
export {
  type ModerationFunction,
  type ModerationToxicityOptions,
  moderationToxicity,
} from './judge/moderation-toxicity.js';
export {
  ChatEndpointError,
  type JudgeUri,
  type NamedChatModel,
  type OpenAiCompatibleOptions,
  openAiCompatibleChatModel,
  parseJudgeUri,
} from './judge/openai-compatible-chat-model.js';
export {
  type JudgeScale,
  type JudgeVerdict,
  parseJudgeOutput,
} from './judge/parse-judge-output.js';
export { type EvalFnResult, type MakeMetricOptions, makeMetric } from './make-metric.js';
export type {
  EvalRow,
  JudgeUsage,
  Metric,
  MetricEvaluateOptions,
  MetricInput,
  MetricResult,
  MetricRowScore,
  RowError,
} from './metric.js';
export { type ExactMatchOptions, exactMatch, tokenF1 } from './metrics/answer-match.js';
export {
  type BleuOptions,
  type BleuScore,
  type BleuSmoothMethod,
  corpusBleu,
  sentenceBleu,
} from './metrics/bleu.js';
export { type LogprobsInput, perplexity } from './metrics/perplexity.js';
export {
  automatedReadabilityIndex,
  fleschKincaidGrade,
  fleschReadingEase,
} from './metrics/readability.js';
export { ndcgAtK, precisionAtK, recallAtK } from './metrics/retrieval.js';
export {
  type RougeOptions,
  type RougeResult,
  type RougeRow,
  type RougeScore,
  type RougeType,
  rouge,
  rougeScore,
} from './metrics/rouge.js';
export { countSyllables } from './metrics/syllables.js';
export {
  answerLength,
  contains,
  jsonSchemaConformance,
  jsonValidity,
  regexMatch,
  type SchemaCheck,
} from './metrics/text-checks.js';
export { type TokenEncoding, tokenCount } from './metrics/token-count.js';
export {
  createToxicityClassifier,
  type ToxicityOptions,
  type ToxicityResult,
  toxicity,
} from './metrics/toxicity.js';
export { defaultToxicityLexicon, type ToxicityTerm } from './metrics/toxicity-lexicon.js';
export {
  buildResultsTable,
  canonicalJson,
  chatModelFromSpec,
  datasetDigest,
  digestOfHashes,
  type EvalData,
  type EvalTable,
  type EvaluationFailures,
  type EvaluationProgress,
  type EvaluationResult,
  isJudgeMetricSpec,
  isTransientError,
  type JudgeSettings,
  type JudgeSpec,
  judgeName,
  judgeSettingsFromEnv,
  knownMetricNames,
  loadRows,
  lookupRunMetric,
  type MetricSpec,
  type MetricSpecContext,
  metricPrefix,
  type PredictedRow,
  type PredictFn,
  type PredictionOutput,
  type PredictRetryOptions,
  type PredictRowsOptions,
  parseRowsText,
  predictRows,
  type RunEvaluationOptions,
  readPredictionOutput,
  readUsage,
  recordHash,
  resolveMetricSpec,
  runEvaluation,
  runMetricEntries,
  type TokenUsage,
  tableRecords,
} from './runner/index.js';
export { normalizeAnswer } from './text/normalize-answer.js';
export { porterStem } from './text/porter-stemmer.js';
export { rougeTokenize } from './text/rouge-tokenize.js';
export { tokenize13a } from './text/tokenize-13a.js';
