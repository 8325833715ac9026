import type { LiveSpan, SpanStatus } from './live-span.js';
import { TraceAttribute } from './trace-attributes.js';

/** An OTLP AnyValue in the JSON encoding. */
type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number };

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

/** The OTLP/JSON `ExportTraceServiceRequest` body the SDK sends to `POST /v1/traces`. */
export interface OtlpJsonRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpJsonSpan[] }[];
  }[];
}

const statusCodes: Record<SpanStatus['code'], number> = { UNSET: 0, OK: 1, ERROR: 2 };
const spanKindInternal = 1;

/** Encodes ended spans as one OTLP/JSON export request (ids in hex, times in ns as text). */
export function encodeOtlpJson(
  spans: readonly LiveSpan[],
  resource: Record<string, string>,
  scope: { name: string; version: string },
): OtlpJsonRequest {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: Object.entries(resource).map(([key, value]) => ({
            key,
            value: { stringValue: value },
          })),
        },
        scopeSpans: [{ scope, spans: spans.map(encodeSpan) }],
      },
    ],
  };
}

function encodeSpan(span: LiveSpan): OtlpJsonSpan {
  const attributes: KeyValue[] = [
    {
      key: TraceAttribute.traceRequestId,
      value: { stringValue: JSON.stringify(span.traceId) },
    },
  ];
  for (const [key, value] of span.attributes) attributes.push({ key, value: anyValue(value) });
  return {
    traceId: span.trace.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? '',
    name: span.name,
    kind: spanKindInternal,
    startTimeUnixNano: nanosText(span.startTimeMs),
    endTimeUnixNano: nanosText(span.endTimeMs ?? span.startTimeMs),
    attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanosText(event.timeMs),
      attributes: Object.entries(event.attributes).map(([key, value]) => ({
        key,
        value: anyValue(value),
      })),
    })),
    status:
      span.status.message === undefined
        ? { code: statusCodes[span.status.code] }
        : { code: statusCodes[span.status.code], message: span.status.message },
  };
}

function anyValue(value: unknown): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (typeof value === 'bigint') return { intValue: value.toString() };
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return { stringValue: text ?? String(value) };
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
