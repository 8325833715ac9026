/** Wire types of the endpoints the UI reads (MLflow REST shapes plus Cairn's additions). */
export interface Tag {
  key: string;
  value: string;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage: 'active' | 'deleted';
  last_update_time?: number;
  creation_time?: number;
  tags?: Tag[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  run_id?: string;
}

export interface Run {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    user_id?: string;
    status: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage: string;
  };
  data: { metrics?: Metric[]; params?: Tag[]; tags?: Tag[] };
  inputs?: { dataset_inputs?: { dataset: { name: string; digest: string } }[] };
}

export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

export interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  span_type: string;
  start_time_ns: string;
  end_time_ns: string | null;
  duration_ms: number | null;
  status: string;
  status_message: string | null;
  model: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  cost: number | null;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano?: string; attributes: Record<string, unknown> }[];
}

export interface Assessment {
  assessment_id: string;
  assessment_name: string;
  feedback?: { value: unknown };
  rationale?: string;
  source?: { source_type: string; source_id?: string };
  create_time?: string;
}

export interface Trace {
  trace_id: string;
  trace_location?: { mlflow_experiment?: { experiment_id?: string } };
  name: string | null;
  state: string;
  timestamp_ms: number;
  execution_time_ms: number | null;
  span_count: number;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  cost: number | null;
  request_preview?: string;
  response_preview?: string;
  trace_metadata: Record<string, string>;
  tags: Record<string, string>;
  usage_by_model?: {
    model: string;
    total_tokens: number;
    cost: number | null;
    span_count: number;
  }[];
}

export interface ModelVersion {
  name: string;
  version: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  status?: string;
  aliases?: string[];
  tags?: Tag[];
  creation_timestamp: number;
  user_id?: string;
}

export interface RegisteredModel {
  name: string;
  description?: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  latest_versions?: ModelVersion[];
  aliases?: { alias: string; version: string }[];
  tags?: Tag[];
}

export interface PromptVersion {
  name: string;
  version: string;
  template: string | { role: string; content: string }[];
  type: 'text' | 'chat';
  variables: string[];
  commit_message?: string;
  tags: Record<string, string>;
  aliases: string[];
  creation_timestamp: number;
}

export interface Prompt {
  name: string;
  description?: string;
  latest_version: string;
  aliases: { alias: string; version: string }[];
  tags: Record<string, string>;
  last_updated_timestamp: number;
}
