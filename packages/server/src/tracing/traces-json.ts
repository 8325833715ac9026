import { nanosText, OtlpDecodeError, type OtlpSpan, wellFormed } from './otlp-span.js';

type JsonObject = Record<string, unknown>;

const statusCodes: Record<string, number> = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/**
 * Reads the `traces.json` artifact MLflow clients upload: MLflow 2's shape (`context.span_id`
 * as `0x…` hex, `parent_id`, `start_time`, `status_code`) and MLflow 3's (`span_id` base64,
 * `start_time_unix_nano`, `status.code`). Attribute values are JSON text in both; MLflow's own
 * keys stay text here (the span mapper parses them), every other key is parsed.
 */
export function decodeTracesJson(document: unknown): OtlpSpan[] {
  if (!isObject(document) || !Array.isArray(document.spans)) {
    throw new OtlpDecodeError('traces.json must be an object with a "spans" list.');
  }
  return document.spans.map((span, index) => {
    if (!isObject(span)) throw new OtlpDecodeError(`traces.json span ${index} is not an object.`);
    return isObject(span.context) ? fromV2(span, index) : fromV3(span, index);
  });
}

function fromV2(span: JsonObject, index: number): OtlpSpan {
  const context = span.context as JsonObject;
  const status = typeof span.status_code === 'string' ? span.status_code : 'UNSET';
  return {
    traceId: prefixedHex(context.trace_id, 16, `span ${index} trace_id`),
    spanId: prefixedHex(context.span_id, 8, `span ${index} span_id`),
    parentSpanId:
      span.parent_id === null || span.parent_id === undefined
        ? null
        : prefixedHex(span.parent_id, 8, `span ${index} parent_id`),
    name: text(span.name),
    kind: 1,
    startTimeNs: nanosText(span.start_time, `span ${index} start_time`),
    endTimeNs: span.end_time == null ? null : nanosText(span.end_time, `span ${index} end_time`),
    statusCode: statusCodes[status] ?? 0,
    statusMessage: text(span.status_message),
    attributes: attributesOf(span.attributes),
    events: eventsOf(span.events, 'timestamp', index),
    links: [],
    resource: {},
  };
}

function fromV3(span: JsonObject, index: number): OtlpSpan {
  const status = isObject(span.status) ? span.status : {};
  const parent = span.parent_span_id;
  return {
    traceId: base64Id(span.trace_id, 16, `span ${index} trace_id`),
    spanId: base64Id(span.span_id, 8, `span ${index} span_id`),
    parentSpanId:
      parent === null || parent === undefined || parent === ''
        ? null
        : base64Id(parent, 8, `span ${index} parent_span_id`),
    name: text(span.name),
    kind: 1,
    startTimeNs: nanosText(span.start_time_unix_nano, `span ${index} start_time_unix_nano`),
    endTimeNs:
      span.end_time_unix_nano == null
        ? null
        : nanosText(span.end_time_unix_nano, `span ${index} end_time_unix_nano`),
    statusCode: statusCodes[String(status.code ?? 'UNSET')] ?? 0,
    statusMessage: text(status.message),
    attributes: attributesOf(span.attributes),
    events: eventsOf(span.events, 'time_unix_nano', index),
    links: [],
    resource: {},
  };
}

function eventsOf(value: unknown, timeField: string, index: number): OtlpSpan['events'] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((event) => ({
    name: text(event.name),
    timeUnixNano: nanosText(event[timeField], `span ${index} event time`),
    attributes: attributesOf(event.attributes),
  }));
}

function attributesOf(value: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (!isObject(value)) return attributes;
  for (const [key, raw] of Object.entries(value)) {
    const decoded = typeof raw === 'string' && !key.startsWith('mlflow.') ? parseJson(raw) : raw;
    attributes[wellFormed(key)] = typeof decoded === 'string' ? wellFormed(decoded) : decoded;
  }
  return attributes;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function prefixedHex(value: unknown, length: number, what: string): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`${what} is missing.`);
  const hex = value
    .replace(/^0x/i, '')
    .toLowerCase()
    .padStart(length * 2, '0');
  if (!/^[0-9a-f]+$/.test(hex) || hex.length !== length * 2) {
    throw new OtlpDecodeError(`${what} '${value}' is not a hex id.`);
  }
  return hex;
}

function base64Id(value: unknown, length: number, what: string): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`${what} is missing.`);
  if (value.length === length * 2 && /^[0-9a-f]+$/i.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== length)
    throw new OtlpDecodeError(`${what} '${value}' is not a ${length}-byte id.`);
  return bytes.toString('hex');
}

function text(value: unknown): string {
  return typeof value === 'string' ? wellFormed(value) : '';
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
