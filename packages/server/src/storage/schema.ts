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
