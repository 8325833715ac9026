import { invalidParameter } from '../errors.js';
import { invalidParameterType, type RequestFields } from '../http/request-fields.js';
import { traceStates } from './trace-wire.js';

/** A trace state given by name (`"OK"`) or proto number (`1`); v2's TRACE_STATUS_* names too. */
export function parseTraceState(value: unknown, field: string): string {
  if (typeof value === 'number' && traceStates[value]) return traceStates[value];
  if (typeof value === 'string') {
    const name = value.toUpperCase().replace(/^TRACE_STATUS_UNSPECIFIED$/, 'STATE_UNSPECIFIED');
    if ((traceStates as readonly string[]).includes(name)) return name;
    if (/^\d+$/.test(value) && traceStates[Number(value)]) return traceStates[Number(value)]!;
  }
  throw invalidParameterType(field, value, 'a trace state (OK, ERROR, IN_PROGRESS)');
}

/** A protobuf Timestamp in JSON (RFC 3339 text, or {seconds, nanos}) as milliseconds. */
export function parseTimestampMs(value: unknown, field: string): number {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object') {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const ms = Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6);
    if (Number.isFinite(ms)) return ms;
  }
  throw invalidParameterType(field, value, 'a timestamp');
}

/** A protobuf Duration in JSON (`"1.5s"`, or {seconds, nanos}) as milliseconds. */
export function parseDurationMs(value: unknown, field: string): number {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim());
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object') {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const ms = Number(seconds ?? 0) * 1000 + Math.floor(Number(nanos ?? 0) / 1e6);
    if (Number.isFinite(ms)) return ms;
  }
  throw invalidParameterType(field, value, 'a duration');
}

/** A string map (proto `map<string,string>`), values coerced to text. */
export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidParameterType(field, value, 'an object of strings');
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry === null || entry === undefined) continue;
    map[key] = typeof entry === 'string' ? entry : JSON.stringify(entry);
  }
  return map;
}

/** A repeated `{key, value}` list (v2 request_metadata and tags) as a map. */
export function pairList(fields: RequestFields, name: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of fields.objectList(name))
    map[pair.requiredString('key')] = pair.optionalString('value') ?? '';
  return map;
}

/** `max_results` with MLflow's trace limits: default 100, at most 500. */
export function traceMaxResults(fields: RequestFields, limit = 500, fallback = 100): number {
  const value = fields.optionalInteger('max_results') ?? fallback;
  if (value < 1 || value > limit) {
    throw invalidParameter(
      `Invalid value ${value} for parameter 'max_results' supplied. It must be between 1 and ${limit}.`,
    );
  }
  return value;
}
