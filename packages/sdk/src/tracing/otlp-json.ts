import type { LiveSpan, SpanStatus } from './live-span.js';

/** An OTLP AnyValue in the JSON encoding. */
type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string };

/** An OTLP attribute in the JSON encoding. */
export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** One span in OTLP/JSON. */
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: { name: string; timeUnixNano: string; attributes: KeyValue[] }[];
  status: { code: number; message?: string };
}

/** The OTLP/JSON `ExportTraceServiceRequest` body the SDK sends to `POST /v1/traces` (parsed). */
export interface OtlpJsonRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

const statusCodes: Record<SpanStatus['code'], number> = { UNSET: 0, OK: 1, ERROR: 2 };
const spanKindInternal = 1;

/**
 * Encodes ended spans as the text of one OTLP/JSON export request (ids in hex, times in ns as
 * text). The text is written directly, without an intermediate object per span and field: export
 * runs on the application's event loop, and this keeps its time and garbage small.
 */
export function encodeOtlpJson(
  spans: readonly LiveSpan[],
  resource: Record<string, string>,
  scope: { name: string; version: string },
): string {
  let resourceAttributes = '';
  for (const key of Object.keys(resource)) {
    resourceAttributes += `${resourceAttributes === '' ? '' : ','}${keyValue(key, resource[key] as string)}`;
  }
  const parts: string[] = [];
  for (const span of spans) parts.push(encodeSpan(span));
  return `{"resourceSpans":[{"resource":{"attributes":[${resourceAttributes}]},"scopeSpans":[{"scope":${JSON.stringify(scope)},"spans":[${parts.join(',')}]}]}]}`;
}

function encodeSpan(span: LiveSpan): string {
  // No `mlflow.traceRequestId`: the server names the trace `tr-<traceId>` by itself, and the
  // attribute would add ~80 bytes to every span of every export.
  let attributes = '';
  for (const [key, value] of span.attributes) {
    attributes += `${attributes === '' ? '' : ','}${keyValue(key, value)}`;
  }
  let events = '';
  for (const event of span.events) {
    let eventAttributes = '';
    for (const key of Object.keys(event.attributes)) {
      eventAttributes += `${eventAttributes === '' ? '' : ','}${keyValue(key, event.attributes[key])}`;
    }
    events += `${events === '' ? '' : ','}{"name":${JSON.stringify(event.name)},"timeUnixNano":"${nanosText(event.timeMs)}","attributes":[${eventAttributes}]}`;
  }
  const code = statusCodes[span.status.code];
  const status =
    span.status.message === undefined
      ? `{"code":${code}}`
      : `{"code":${code},"message":${JSON.stringify(span.status.message)}}`;
  return `{"traceId":"${span.trace.traceId}","spanId":"${span.spanId}","parentSpanId":"${span.parentSpanId ?? ''}","name":${JSON.stringify(span.name)},"kind":${spanKindInternal},"startTimeUnixNano":"${nanosText(span.startTimeMs)}","endTimeUnixNano":"${nanosText(span.endTimeMs ?? span.startTimeMs)}","attributes":[${attributes}],"events":[${events}],"status":${status}}`;
}

function keyValue(key: string, value: unknown): string {
  return `{"key":${JSON.stringify(key)},"value":${anyValue(value)}}`;
}

/** An OTLP AnyValue as JSON text. */
function anyValue(value: unknown): string {
  if (typeof value === 'string') return `{"stringValue":${JSON.stringify(value)}}`;
  if (typeof value === 'boolean') return `{"boolValue":${value}}`;
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return `{"intValue":"${value}"}`;
    // JSON has no NaN or Infinity; OTLP/JSON writes them as strings.
    return Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"doubleValue":"${value}"}`;
  }
  if (typeof value === 'bigint') return `{"intValue":"${value}"}`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return `{"stringValue":${JSON.stringify(text ?? String(value))}}`;
}

/** Milliseconds since the epoch (fractional) as decimal nanoseconds, without BigInt. */
export function nanosText(ms: number): string {
  let whole = Math.floor(ms);
  let fraction = Math.round((ms - whole) * 1e6);
  if (fraction >= 1e6) {
    whole += 1;
    fraction = 0;
  }
  return whole === 0 ? String(fraction) : `${whole}${String(fraction).padStart(6, '0')}`;
}
