import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';
import { invalidParameter } from '../errors.js';

/** Most records one batch may carry (the gateway sends a few hundred at a time). */
export const maxRecordsPerBatch = 10_000;

const routeTypes = new Set(['llm/v1/chat', 'llm/v1/completions', 'llm/v1/embeddings']);
const maxIdChars = 256;

/** A gateway log record plus the experiment a sender may name for it (not in the spec). */
export type ReceivedLogRecord = GatewayLogRecord & { experiment_id?: string };

/**
 * Validates the body of `POST /api/2.0/cairn/gateway/logs`; throws INVALID_PARAMETER_VALUE naming
 * the record and field at fault, so a bad gateway build is found from one error message.
 */
export function parseLogBatch(body: unknown): GatewayLogBatch & { records: ReceivedLogRecord[] } {
  if (!isObject(body) || !Array.isArray(body.records)) {
    throw invalidParameter("The body must be a JSON object with a 'records' array.");
  }
  if (body.records.length > maxRecordsPerBatch) {
    throw invalidParameter(
      `A batch holds at most ${maxRecordsPerBatch} records, got ${body.records.length}.`,
    );
  }
  const dropped = body.dropped;
  if (dropped !== undefined && !isCount(dropped)) {
    throw invalidParameter("'dropped' must be a non-negative integer.");
  }
  const records = body.records.map((item: unknown, index: number) => parseRecord(item, index));
  return dropped === undefined ? { records } : { records, dropped: dropped as number };
}

function parseRecord(item: unknown, index: number): ReceivedLogRecord {
  const fail = (field: string, what: string) =>
    invalidParameter(`records[${index}].${field} ${what}.`);
  if (!isObject(item)) throw invalidParameter(`records[${index}] must be an object.`);
  const text = (field: string, required: boolean): string | undefined => {
    const value = item[field];
    if (value === undefined || value === null) {
      if (required) throw fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'string' || value === '') throw fail(field, 'must be a non-empty string');
    return value;
  };
  const number = (field: string, required: boolean): number | undefined => {
    const value = item[field];
    if (value === undefined || value === null) {
      if (required) throw fail(field, 'is required');
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw fail(field, 'must be a non-negative number');
    return value;
  };
  const requestId = text('request_id', true)!;
  if (requestId.length > maxIdChars) throw fail('request_id', `is longer than ${maxIdChars}`);
  const routeType = text('route_type', true)!;
  if (!routeTypes.has(routeType)) {
    throw fail('route_type', 'must be llm/v1/chat, llm/v1/completions or llm/v1/embeddings');
  }
  const status = number('status', true)!;
  if (!Number.isInteger(status) || status < 100 || status > 599)
    throw fail('status', 'must be an HTTP status');
  for (const field of ['stream', 'cache_hit']) {
    if (item[field] !== undefined && typeof item[field] !== 'boolean')
      throw fail(field, 'must be a boolean');
  }
  if (item.tags !== undefined && item.tags !== null) {
    if (!isObject(item.tags)) throw fail('tags', 'must be an object of strings');
    for (const [key, value] of Object.entries(item.tags)) {
      if (key === '' || typeof value !== 'string')
        throw fail('tags', 'must be an object of strings');
    }
  }
  const record: ReceivedLogRecord = {
    request_id: requestId,
    timestamp_ms: number('timestamp_ms', true)!,
    route: text('route', true)!,
    route_type: routeType as GatewayLogRecord['route_type'],
    status,
    stream: item.stream === true,
    latency_ms: number('latency_ms', true)!,
    retries: number('retries', false) ?? 0,
    fallbacks: number('fallbacks', false) ?? 0,
    cache_hit: item.cache_hit === true,
  };
  for (const field of ['target', 'provider', 'model', 'error', 'user', 'session', 'key_id']) {
    const value = text(field, false);
    if (value !== undefined) (record as unknown as Record<string, unknown>)[field] = value;
  }
  for (const field of [
    'prompt_tokens',
    'completion_tokens',
    'total_tokens',
    'cost_usd',
    'ttft_ms',
    'overhead_ms',
  ]) {
    const value = number(field, false);
    if (value !== undefined) (record as unknown as Record<string, unknown>)[field] = value;
  }
  const experimentId = item.experiment_id;
  if (experimentId !== undefined && experimentId !== null) {
    if (typeof experimentId !== 'string' && typeof experimentId !== 'number')
      throw fail('experiment_id', 'must be an experiment id');
    record.experiment_id = String(experimentId);
  }
  if (item.inputs !== undefined) record.inputs = item.inputs;
  if (item.outputs !== undefined) record.outputs = item.outputs;
  if (isObject(item.tags) && Object.keys(item.tags).length > 0)
    record.tags = item.tags as Record<string, string>;
  return record;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
