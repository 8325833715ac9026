import type {
  Dataset,
  DatasetInput,
  Experiment,
  LifecycleStage,
  Metric,
  RunInfo,
  RunStatus,
  Tag,
} from '@cairn/spec';
import type { Selectable } from 'kysely';
import type { DatabaseSchema } from '../storage/index.js';

type ExperimentRow = Selectable<DatabaseSchema['experiments']>;
type RunRow = Selectable<DatabaseSchema['runs']>;
type DatasetRow = Selectable<DatabaseSchema['datasets']>;

/** A metric point as stored: NaN is `value 0, is_nan 1`; infinities are stored as themselves. */
export interface StoredMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  is_nan: number;
}

/** A double as protobuf's JSON writes it: NaN and the infinities become strings. */
function doubleToJson(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** A stored metric point in MLflow's JSON shape. */
export function metricToJson(row: StoredMetric): Metric {
  return {
    key: row.key,
    value: row.is_nan ? 'NaN' : doubleToJson(row.value),
    timestamp: row.timestamp,
    step: row.step,
  };
}

/** An experiment row and its tags in MLflow's JSON shape; the id travels as a string. */
export function experimentToJson(row: ExperimentRow, tags: Tag[]): Experiment {
  const experiment: Experiment = {
    experiment_id: String(row.experiment_id),
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
    last_update_time: row.last_update_time,
    creation_time: row.creation_time,
  };
  if (tags.length > 0) experiment.tags = tags;
  return experiment;
}

/** A run row in MLflow's RunInfo shape; `end_time` is omitted while unset, as protobuf does. */
export function runInfoToJson(row: RunRow): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid,
    run_uuid: row.run_uuid,
    run_name: row.name,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id,
    status: row.status as RunStatus,
    start_time: row.start_time,
    artifact_uri: row.artifact_uri,
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
  };
  if (row.end_time !== null) info.end_time = row.end_time;
  return info;
}

/** A dataset input (dataset row plus the input's tags) in MLflow's JSON shape. */
export function datasetInputToJson(row: DatasetRow, tags: Tag[]): DatasetInput {
  const dataset: Dataset = {
    name: row.name,
    digest: row.digest,
    source_type: row.dataset_source_type,
    source: row.dataset_source,
  };
  if (row.dataset_schema !== null) dataset.schema = row.dataset_schema;
  if (row.dataset_profile !== null) dataset.profile = row.dataset_profile;
  const input: DatasetInput = { dataset };
  if (tags.length > 0) input.tags = tags;
  return input;
}
