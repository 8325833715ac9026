import type { RunStatus, Tag, ViewType } from '@cairn/spec';
import { invalidParameter } from '../errors.js';
import {
  invalidParameterType,
  missingParameter,
  type RequestFields,
} from '../http/request-fields.js';
import type { MetricPoint } from './metric-insert.js';
import { checkLength, limits, truncate, validateKey } from './validation.js';

/** A run id from `run_id`, or the legacy `run_uuid` that MLflow clients still send. */
export function readRunId(fields: RequestFields): string {
  const runId = fields.optionalString('run_id') || fields.optionalString('run_uuid');
  if (!runId) throw missingParameter('run_id');
  return runId;
}

/** A run tag or param: key validated, value over MLflow's limit truncated (its default). */
export function readRunKeyValue(fields: RequestFields, kind: 'parameter' | 'tag'): Tag {
  const key = fields.requiredString('key');
  validateKey(kind, key);
  const value = fields.optionalString('value') ?? '';
  const limit = kind === 'parameter' ? limits.paramValueLength : limits.runTagValueLength;
  return { key, value: truncate(value, limit) };
}

/**
 * A metric point. `validatedKeys` remembers keys already checked in this request, because a
 * batch of a thousand points usually repeats a handful of keys.
 */
export function readMetric(fields: RequestFields, validatedKeys?: Set<string>): MetricPoint {
  const key = fields.requiredString('key');
  if (!validatedKeys?.has(key)) {
    validateKey('metric', key);
    validatedKeys?.add(key);
  }
  const value = fields.requiredDouble('value');
  const timestamp = fields.requiredInteger('timestamp');
  if (timestamp < 0) {
    throw invalidParameter(
      `Got invalid timestamp ${timestamp} for metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  return { key, value, timestamp, step: fields.optionalInteger('step') ?? 0 };
}

const runStatuses: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** A run status by name (`FINISHED`) or by protobuf number (RUNNING=1 … KILLED=5). */
export function readRunStatus(fields: RequestFields, name: string): RunStatus | undefined {
  return readEnum(fields, name, runStatuses);
}

const viewTypes: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

/** A view type by name or number (ACTIVE_ONLY=1, DELETED_ONLY=2, ALL=3); ACTIVE_ONLY when absent. */
export function readViewType(fields: RequestFields, name: string): ViewType {
  return readEnum(fields, name, viewTypes) ?? 'ACTIVE_ONLY';
}

function readEnum<T extends string>(
  fields: RequestFields,
  name: string,
  values: readonly T[],
): T | undefined {
  if (!fields.has(name)) return undefined;
  const text = fields.optionalString(name) ?? '';
  const byNumber = /^\d+$/.test(text) ? values[Number(text) - 1] : undefined;
  const value = byNumber ?? values.find((candidate) => candidate === text.toUpperCase());
  if (value === undefined) {
    throw invalidParameterType(name, text, `one of ${values.join(', ')}`);
  }
  return value;
}

/** Checks the tags of a new experiment or `set-experiment-tag`: over-long values are an error. */
export function readExperimentTag(fields: RequestFields): Tag {
  const key = fields.requiredString('key');
  validateKey('tag', key);
  const value = fields.optionalString('value') ?? '';
  checkLength('Tag value', limits.experimentTagValueLength, value);
  return { key, value };
}

/** Reads `max_results` for the search endpoints: 1 … 50000, `fallback` when absent. */
export function readSearchMaxResults(fields: RequestFields, fallback: number): number {
  const maxResults = fields.optionalInteger('max_results') ?? fallback;
  if (maxResults < 1) {
    throw invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be a positive integer`,
    );
  }
  if (maxResults > searchMaxResults) {
    throw invalidParameter(
      `Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most ${searchMaxResults}`,
    );
  }
  return maxResults;
}

const searchMaxResults = 50000;
