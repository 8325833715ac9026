export type { ErrorCode, ErrorResponse } from './error-codes.js';
export { errorCodeHttpStatus } from './error-codes.js';
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
