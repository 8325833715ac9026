export type {
  AbTest,
  AbTestReport,
  AbTestVariant,
  ModelVersion,
  PromptVersion,
  RegisteredModel,
  Webhook,
  WebhookDelivery,
} from '@cairn/spec';
export type { DownloadProgress } from './client/artifact-transfer.js';
export { artifactUrl } from './client/artifact-uri.js';
export { CairnApiError, hasErrorCode } from './client/cairn-api-error.js';
export type {
  CairnClientOptions,
  MetricInput,
  Page,
  SearchOptions,
} from './client/cairn-client.js';
export { CairnClient } from './client/cairn-client.js';
export type { HttpTransportOptions } from './client/http-transport.js';
export type { RetryPolicy } from './client/retry-policy.js';
export { defaultRetryPolicy } from './client/retry-policy.js';
export type { LogBatchEntries } from './client/split-log-batch.js';
export { logBatchLimits, splitLogBatch } from './client/split-log-batch.js';
export type { MetricSums } from './client/sum-metric-by-tag.js';
export { sumMetricByTag } from './client/sum-metric-by-tag.js';
export { parseTrackingUri } from './client/tracking-uri.js';
export type { SdkEnvironment } from './config.js';
export { readSdkEnvironment } from './config.js';
export {
  answerCorrectness,
  answerLength,
  answerRelevance,
  answerSimilarity,
  automatedReadabilityIndex,
  builtinMetrics,
  compareEvaluations,
  contains,
  corpusBleu,
  countSyllables,
  type DatasetRecord,
  type DatasetReference,
  DatasetsClient,
  type DatasetVersion,
  datasetRecordToRow,
  defaultMetrics,
  type EvalRow,
  type EvalTable,
  type EvaluatedDataset,
  type EvaluateOptions,
  type EvaluateResult,
  type EvaluationComparison,
  type EvaluationDataset,
  evaluate,
  evaluateGateRules,
  exactMatch,
  faithfulness,
  fleschKincaidGrade,
  fleschReadingEase,
  guidelines,
  jsonSchemaConformance,
  jsonValidity,
  type Metric,
  type MetricResult,
  type MetricSpec,
  type ModelType,
  makeGenaiMetric,
  makeMetric,
  metricDirectionsTag,
  moderationToxicity,
  ndcgAtK,
  openAiCompatibleChatModel,
  parseGateRule,
  perplexity,
  precisionAtK,
  recallAtK,
  regexMatch,
  relevance,
  rouge,
  safety,
  sentenceBleu,
  tokenCount,
  tokenF1,
  toxicity,
} from './evaluation/index.js';
export type {
  ActiveRun,
  CairnOptions,
  StartRunOptions,
  TracingOptions,
} from './fluent/cairn.js';
export { Cairn } from './fluent/cairn.js';
export {
  activeRun,
  endRun,
  flush,
  getDefaultCairn,
  getTrackingUri,
  logArtifact,
  logDict,
  logLlmCall,
  logMetric,
  logMetrics,
  logParam,
  logParams,
  logText,
  setDefaultCairn,
  setExperiment,
  setTag,
  setTags,
  setTrackingUri,
  startRun,
  withRun,
} from './fluent/default-cairn.js';
export { flushTraces, startSpan, traced } from './fluent/default-tracing.js';
export type { LlmContentPart, LlmMessage, LlmText } from './llm/chat-message.js';
export { renderLlmText } from './llm/chat-message.js';
export type { TokenCount, TokenEncoding } from './llm/count-tokens.js';
export { countTokens, encodingForModel } from './llm/count-tokens.js';
export { loadPriceCatalogue } from './llm/load-price-catalogue.js';
export type { LlmCall, LlmCallRecord } from './llm/log-llm-call.js';
export { Prompt } from './prompts/prompt.js';
export type { LoadPromptOptions, PromptClientOptions } from './prompts/prompt-client.js';
export {
  abTestTag,
  abVariantTag,
  linkedPromptsTag,
  PromptClient,
} from './prompts/prompt-client.js';
export type { RegistryReference } from './registry/model-uri.js';
export { parseRegistryUri } from './registry/model-uri.js';
export { RegistryClient } from './registry/registry-client.js';
export type {
  BatchSpanProcessorOptions,
  ExportStats,
  Span,
  SpanEvent,
  SpanExporter,
  SpanStatus,
  SpanTypeName,
  StartSpanOptions,
  TracedFunction,
  TracedOptions,
  TraceUpdate,
} from './tracing/index.js';
export {
  getCurrentSpan,
  OtlpJsonExporter,
  SpanType,
  TraceAttribute,
  Tracer,
  updateCurrentTrace,
} from './tracing/index.js';
