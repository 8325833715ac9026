import { invalidParameter } from '../errors.js';

/** A column of `runs` that filters and order_by clauses may name. */
export type RunColumn =
  | 'run_uuid'
  | 'name'
  | 'status'
  | 'user_id'
  | 'artifact_uri'
  | 'lifecycle_stage'
  | 'start_time'
  | 'end_time'
  | 'experiment_id';

/** A run attribute: its column and whether it compares as a number. */
export interface RunAttribute {
  column: RunColumn;
  numeric: boolean;
}

const text = (column: RunColumn): RunAttribute => ({ column, numeric: false });
const number = (column: RunColumn): RunAttribute => ({ column, numeric: true });

// MLflow's searchable RunInfo attributes and their aliases (`created`, `run name`).
const searchable: Record<string, RunAttribute> = {
  run_id: text('run_uuid'),
  run_name: text('name'),
  'run name': text('name'),
  'Run name': text('name'),
  'Run Name': text('name'),
  status: text('status'),
  user_id: text('user_id'),
  artifact_uri: text('artifact_uri'),
  lifecycle_stage: text('lifecycle_stage'),
  start_time: number('start_time'),
  created: number('start_time'),
  Created: number('start_time'),
  end_time: number('end_time'),
};

const orderable: Record<string, RunAttribute> = {
  ...searchable,
  experiment_id: number('experiment_id'),
};

/** The run attribute `key` names, for filtering or ordering; unknown keys are INVALID_PARAMETER_VALUE. */
export function runAttribute(key: string, purpose: 'filter' | 'order_by'): RunAttribute {
  const table = purpose === 'filter' ? searchable : orderable;
  const attribute = Object.hasOwn(table, key) ? table[key] : undefined;
  if (!attribute)
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are [${Object.keys(table)
        .map((name) => `'${name}'`)
        .join(', ')}]`,
    );
  return attribute;
}
