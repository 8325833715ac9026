/** JSON shapes of MLflow's tracking entities, as the REST API sends them (snake_case, int64 as numbers). */

/** A key/value tag on an experiment or a run. */
export interface Tag {
  key: string;
  value: string;
}

/** `active` or `deleted`: MLflow's soft-delete state. */
export type LifecycleStage = 'active' | 'deleted';

/** An experiment as `experiments/get` returns it. */
export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags?: Tag[];
}

/** A run's lifecycle status. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** Which soft-delete states a search returns. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** The immutable facts of a run. */
export interface RunInfo {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** One value of a metric at a step. NaN and infinities travel as the strings "NaN", "Infinity". */
export interface Metric {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
}

/** A metric point tagged with the run it belongs to (bulk history endpoints). */
export interface MetricWithRunId extends Metric {
  run_id: string;
}

/** A run parameter: immutable once logged. */
export interface Param {
  key: string;
  value: string;
}

/** A dataset logged as a run input. */
export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A dataset input of a run, with its tags (e.g. `mlflow.data.context`). */
export interface DatasetInput {
  tags?: Tag[];
  dataset: Dataset;
}

/** A run as `runs/get` returns it. */
export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: Param[]; tags?: Tag[] };
  inputs: { dataset_inputs?: DatasetInput[] };
}

/** An entry of an artifact listing. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}
