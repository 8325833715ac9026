import type { EvalRow } from '@cairn/evaluation';
import type { DatasetRecord } from './datasets-client.js';

const targetKeys = ['expected_response', 'targets', 'ground_truth', 'expected_answer', 'answer'];

/**
 * A dataset record as an evaluation row: the inputs' fields as columns plus `inputs` (the lone
 * input value, or the object), `targets` from the expected response, and `expectations`.
 */
export function datasetRecordToRow(record: DatasetRecord): EvalRow {
  const row: Record<string, unknown> = {};
  const inputs = record.inputs;
  if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) {
    Object.assign(row, inputs);
    const values = Object.values(inputs);
    row.inputs = values.length === 1 ? values[0] : inputs;
  } else {
    row.inputs = inputs;
  }
  const expectations = record.expectations;
  if (expectations !== undefined) {
    row.expectations = expectations;
    if (expectations !== null && typeof expectations === 'object' && !Array.isArray(expectations)) {
      const object = expectations as Record<string, unknown>;
      const found = targetKeys.find((name) => object[name] !== undefined);
      const values = Object.values(object);
      if (found) row.targets = object[found];
      else if (values.length === 1) row.targets = values[0];
    } else {
      row.targets = expectations;
    }
  }
  return row;
}
