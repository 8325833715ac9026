export type { ErrorCode, ErrorResponse } from './error-codes.js';
export { errorCodeHttpStatus } from './error-codes.js';
export type { ModelPrice, PriceCatalogue, TokenUsage } from './price-catalogue.js';
export {
  costOf,
  defaultPriceCatalogue,
  findModelPrice,
  mergePriceCatalogue,
  normalizeModelName,
  parsePriceCatalogueOverride,
} from './price-catalogue.js';
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
