/** Request and response bodies of MLflow's tracking RPCs (`/api/2.0/mlflow/...`), snake_case as sent. */
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  Metric,
  MetricWithRunId,
  Param,
  Run,
  RunInfo,
  RunStatus,
  Tag,
  ViewType,
} from './tracking.js';

/** POST `experiments/create`. */
export interface CreateExperimentRequest {
  name: string;
  artifact_location?: string;
  tags?: Tag[];
}

/** Answer of `experiments/create`. */
export interface CreateExperimentResponse {
  experiment_id: string;
}

/** Answer of `experiments/get` and `experiments/get-by-name`. */
export interface GetExperimentResponse {
  experiment: Experiment;
}

/** POST `experiments/search`. */
export interface SearchExperimentsRequest {
  max_results?: number;
  page_token?: string;
  filter?: string;
  order_by?: string[];
  view_type?: ViewType;
}

/** Answer of `experiments/search`; `next_page_token` is absent on the last page. */
export interface SearchExperimentsResponse {
  experiments?: Experiment[];
  next_page_token?: string;
}

/** POST `runs/create`. */
export interface CreateRunRequest {
  experiment_id: string;
  run_name?: string;
  start_time?: number;
  tags?: Tag[];
  user_id?: string;
}

/** Answer of `runs/create` and `runs/get`. */
export interface GetRunResponse {
  run: Run;
}

/** POST `runs/update`: only the fields present change. */
export interface UpdateRunRequest {
  run_id: string;
  run_uuid?: string;
  status?: RunStatus;
  end_time?: number;
  run_name?: string;
}

/** Answer of `runs/update`. */
export interface UpdateRunResponse {
  run_info: RunInfo;
}

/** POST `runs/search`. */
export interface SearchRunsRequest {
  experiment_ids: string[];
  filter?: string;
  run_view_type?: ViewType;
  max_results?: number;
  order_by?: string[];
  page_token?: string;
}

/** Answer of `runs/search`. */
export interface SearchRunsResponse {
  runs?: Run[];
  next_page_token?: string;
}

/** POST `runs/log-batch`: at most 1000 metrics, 100 params, 100 tags (1000 entries in all). */
export interface LogBatchRequest {
  run_id: string;
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

/** POST `runs/log-inputs`. */
export interface LogInputsRequest {
  run_id: string;
  datasets?: DatasetInput[];
}

/** Answer of `metrics/get-history`. */
export interface GetMetricHistoryResponse {
  metrics?: Metric[];
  next_page_token?: string;
}

/** Answer of `metrics/get-history-bulk-interval`. */
export interface GetMetricHistoryBulkIntervalResponse {
  metrics?: MetricWithRunId[];
}

/** Answer of `artifacts/list`: paths relative to the run's artifact root. */
export interface ListArtifactsResponse {
  root_uri?: string;
  files?: FileInfo[];
  next_page_token?: string;
}
