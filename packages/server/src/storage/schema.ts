import type { Generated } from 'kysely';

/** Metadata tables, named and shaped after MLflow's SQL store so its users find what they expect. */
export interface DatabaseSchema {
  experiments: ExperimentsTable;
  experiment_tags: KeyValueTable & { experiment_id: number };
  runs: RunsTable;
  params: KeyValueTable & { run_uuid: string };
  tags: KeyValueTable & { run_uuid: string };
  metrics: MetricsTable;
  latest_metrics: MetricsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: { input_uuid: string; name: string; value: string };
  trace_info: TraceInfoTable;
  trace_tags: KeyValueTable & { request_id: string };
  trace_request_metadata: KeyValueTable & { request_id: string };
  spans: SpansTable;
  trace_usage: TraceUsageTable;
  assessments: AssessmentsTable;
  trace_retention: { experiment_id: number; retention_days: number };
  registered_models: RegisteredModelsTable;
  registered_model_tags: KeyValueTable & { name: string };
  model_versions: ModelVersionsTable;
  model_version_tags: KeyValueTable & { name: string; version: number };
  registered_model_aliases: { name: string; alias: string; version: number };
  registry_history: RegistryHistoryTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  prompt_ab_tests: PromptAbTestsTable;
  model_card_queue: { name: string; version: number; generation: number; marked_time: number };
  eval_datasets: EvalDatasetsTable;
  eval_dataset_versions: EvalDatasetVersionsTable;
  eval_dataset_records: EvalDatasetRecordsTable;
  eval_online_rules: EvalOnlineRulesTable;
}

interface KeyValueTable {
  key: string;
  value: string;
}

/** An experiment; `experiment_id` 0 is the Default experiment. */
export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

/** A run; `run_uuid` is 32 hex characters, like MLflow's. */
export interface RunsTable {
  run_uuid: string;
  name: string;
  experiment_id: number;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: number | null;
}

/**
 * One metric point (`metrics`, the full history) or the newest point per key (`latest_metrics`).
 * NaN is stored as value 0 with `is_nan` 1, since SQLite turns NaN into NULL.
 */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

/** A dataset, unique per experiment by name and digest. */
export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  dataset_source_type: string;
  dataset_source: string;
  dataset_schema: string | null;
  dataset_profile: string | null;
}

/** A link from a source (a dataset) to a destination (a run). */
export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
}

/** A trace (MLflow's TraceInfo); `request_id` is `tr-` and 32 hex digits. Token and cost columns roll up its spans. */
export interface TraceInfoTable {
  request_id: string;
  experiment_id: number;
  client_request_id: string | null;
  timestamp_ms: number;
  execution_time_ms: number | null;
  status: string;
  name: string | null;
  request_preview: string | null;
  response_preview: string | null;
  input_tokens: Generated<number>;
  output_tokens: Generated<number>;
  total_tokens: Generated<number>;
  cost: Generated<number>;
  span_count: Generated<number>;
  root_span_id: string | null;
  spans_imported: Generated<number>;
  /** Copies of the `mlflow.trace.user`, `mlflow.trace.session` and gateway route metadata. */
  user_id: Generated<string | null>;
  session_id: Generated<string | null>;
  route: Generated<string | null>;
}

/** One OpenTelemetry span; times in nanoseconds (int8, written as decimal text), JSON in text columns. */
export interface SpansTable {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  otel_trace_id: string;
  name: string;
  span_type: string;
  kind: number;
  start_time_ns: string | number | bigint;
  end_time_ns: string | number | bigint | null;
  status: string;
  status_message: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  attributes: string;
  events: string | null;
  links: string | null;
  inputs: string | null;
  outputs: string | null;
  truncated: string | null;
}

/** A trace's token usage and cost for one model. */
export interface TraceUsageTable {
  request_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost: number;
  span_count: number;
}

/** A feedback or expectation on a trace (or one of its spans); `body` is the MLflow JSON shape. */
export interface AssessmentsTable {
  assessment_id: string;
  trace_id: string;
  span_id: string | null;
  name: string;
  assessment_type: string;
  value: string | null;
  body: string;
  valid: number;
  create_time_ms: number;
  last_update_time_ms: number;
}

/** A registered model (or, tagged `mlflow.prompt.is_prompt`, a prompt); the name is its key. */
export interface RegisteredModelsTable {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
}

/** A model version; deleted versions keep their row (stage `Deleted_Internal`) so numbers are never reused. */
export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  current_stage: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
}

/** A stage transition or alias move of a version: who moved what, when. */
export interface RegistryHistoryTable {
  history_id: string;
  name: string;
  version: number;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  user_id: string | null;
  timestamp: number;
}

/** A webhook; `events` is JSON of `entity.action` strings, `secret` is never sent back. */
export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  secret: string | null;
  status: string;
  events: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

/** The webhook outbox and delivery log: one row per (event, webhook), retried until delivered or failed. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_time: number;
  lease_until: number | null;
  response_status: number | null;
  error_message: string | null;
  creation_time: number;
  last_attempt_time: number | null;
}

/** A prompt A/B test; `variants` is JSON of `{name, version?, alias?, weight}`. */
export interface PromptAbTestsTable {
  name: string;
  prompt_name: string;
  unit: string;
  variants: string;
  status: string;
  description: string | null;
  winner: string | null;
  creation_time: number;
  last_updated_time: number;
}

/** An evaluation dataset; its content lives in versions of records. */
export interface EvalDatasetsTable {
  dataset_id: string;
  name: string;
  experiment_id: number | null;
  description: string | null;
  tags: string;
  latest_version: number;
  next_position: number;
  created_time: number;
  last_update_time: number;
}

/** One version of an evaluation dataset and the digest of its records. */
export interface EvalDatasetVersionsTable {
  dataset_id: string;
  version: number;
  digest: string;
  record_count: number;
  source: string | null;
  created_time: number;
}

/** A dataset record, present in versions added_version ≤ v < removed_version. */
export interface EvalDatasetRecordsTable {
  dataset_id: string;
  record_id: string;
  position: number;
  added_version: number;
  removed_version: number | null;
  record_hash: string;
  inputs: string;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  created_time: number;
}

/** An online scoring rule with its watermark, daily judge spend and scorer lease. */
export interface EvalOnlineRulesTable {
  rule_id: string;
  experiment_id: number;
  name: string;
  sample_rate: number;
  filter_string: string | null;
  metrics: string;
  enabled: number;
  daily_judge_budget_usd: number | null;
  daily_judge_call_limit: number | null;
  budget_day: string | null;
  judge_spend_usd: Generated<number>;
  judge_calls: Generated<number>;
  watermark_ms: number;
  watermark_id: string;
  traces_scored: Generated<number>;
  lease_owner: string | null;
  lease_until_ms: Generated<number>;
  last_error: string | null;
  created_time: number;
  last_update_time: number;
}
