export type {
  ChatChoice,
  ChatChunk,
  ChatContentPart,
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  CompletionChunk,
  CompletionRequest,
  CompletionResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  TokenLogprob,
  ToolCall,
  ToolDefinition,
  Usage,
} from './chat.js';
export type {
  CostDashboard,
  CostForecast,
  CostTotals,
  DashboardBucket,
  DashboardQuery,
  DashboardRange,
  PercentilePoint,
  Percentiles,
  PerformanceDashboard,
  QualityDashboard,
  UsageDashboard,
} from './dashboards.js';
export { gatewayRouteMetadataKey, prometheusMetricNames } from './dashboards.js';
export type { ErrorCode, ErrorResponse } from './error-codes.js';
export { errorCodeHttpStatus } from './error-codes.js';
export type { GatewayLogBatch, GatewayLogRecord } from './gateway-log.js';
export type { LinkedPrompt } from './linked-prompts.js';
export {
  linkedPromptsOf,
  linkedPromptsTag,
  mergeLinkedPrompts,
  parseLinkedPrompts,
} from './linked-prompts.js';
export type { ModelPrice, PriceCatalogue, TokenUsage } from './price-catalogue.js';
export {
  costAtPrice,
  costOf,
  defaultPriceCatalogue,
  findModelPrice,
  mergePriceCatalogue,
  normalizeModelName,
  parsePriceCatalogueOverride,
} from './price-catalogue.js';
export type { PromptTemplate } from './prompt-template.js';
export {
  assignVariant,
  formatTemplate,
  MissingPromptVariableError,
  stableUnitInterval,
  templateProblem,
  templateVariables,
} from './prompt-template.js';
export type {
  AbComparison,
  AbTest,
  AbTestReport,
  AbTestVariant,
  AbVariantReport,
  ModelStage,
  ModelVersion,
  PromptMessage,
  PromptVersion,
  RegisteredModel,
  RegisteredModelAlias,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  WebhookTestResult,
} from './registry.js';
export type {
  Dataset,
  DatasetInput,
  Experiment,
  FileInfo,
  LifecycleStage,
  Metric,
  MetricWithRunId,
  Param,
  Run,
  RunInfo,
  RunStatus,
  Tag,
  ViewType,
} from './tracking.js';
export type {
  CreateExperimentRequest,
  CreateExperimentResponse,
  CreateRunRequest,
  GetExperimentResponse,
  GetMetricHistoryBulkIntervalResponse,
  GetMetricHistoryResponse,
  GetRunResponse,
  ListArtifactsResponse,
  LogBatchRequest,
  LogInputsRequest,
  SearchExperimentsRequest,
  SearchExperimentsResponse,
  SearchRunsRequest,
  SearchRunsResponse,
  UpdateRunRequest,
  UpdateRunResponse,
} from './tracking-api.js';
