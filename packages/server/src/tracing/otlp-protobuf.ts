import { exportTraceServiceRequest, exportTraceServiceResponse } from './otlp-proto-schema.js';
import {
  hexId,
  nanosText,
  OtlpDecodeError,
  type OtlpEvent,
  type OtlpLink,
  type OtlpSpan,
  wellFormed,
} from './otlp-span.js';

// The shapes protobufjs decodes into (field names from the descriptor); only what is read here.
interface AnyValueMessage {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: unknown;
  doubleValue?: number;
  arrayValue?: { values: AnyValueMessage[] };
  kvlistValue?: { values: KeyValueMessage[] };
  bytesValue?: Uint8Array;
}
interface KeyValueMessage {
  key: string;
  value?: AnyValueMessage | null;
}
interface SpanMessage {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: unknown;
  endTimeUnixNano: unknown;
  attributes: KeyValueMessage[];
  events: { timeUnixNano: unknown; name: string; attributes: KeyValueMessage[] }[];
  links: { traceId: Uint8Array; spanId: Uint8Array; attributes: KeyValueMessage[] }[];
  status?: { code: number; message: string } | null;
}
interface RequestMessage {
  resourceSpans: {
    resource?: { attributes: KeyValueMessage[] } | null;
    scopeSpans: { spans: SpanMessage[] }[];
  }[];
}

/** Decodes an OTLP/HTTP protobuf ExportTraceServiceRequest into spans; malformed input throws OtlpDecodeError. */
export function decodeOtlpProtobuf(body: Uint8Array): OtlpSpan[] {
  let message: RequestMessage;
  try {
    message = exportTraceServiceRequest.decode(body) as unknown as RequestMessage;
  } catch (error) {
    throw new OtlpDecodeError(
      `Body is not a valid OTLP ExportTraceServiceRequest protobuf: ${(error as Error).message}`,
    );
  }
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of message.resourceSpans) {
    const resource = attributesOf(resourceSpans.resource?.attributes ?? []);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) spans.push(toSpan(span, resource, spans.length));
    }
  }
  return spans;
}

/** An ExportTraceServiceResponse; `rejected` spans are reported as a partial success. */
export function encodeOtlpProtobufResponse(rejected = 0, errorMessage = ''): Uint8Array {
  const response =
    rejected > 0 || errorMessage !== ''
      ? { partialSuccess: { rejectedSpans: rejected, errorMessage } }
      : {};
  return exportTraceServiceResponse.encode(exportTraceServiceResponse.create(response)).finish();
}

function toSpan(span: SpanMessage, resource: Record<string, unknown>, index: number): OtlpSpan {
  const what = `resource_spans span ${index}`;
  const events: OtlpEvent[] = span.events.map((event) => ({
    name: wellFormed(event.name),
    timeUnixNano: nanosText(event.timeUnixNano, `${what} event time`),
    attributes: attributesOf(event.attributes),
  }));
  const links: OtlpLink[] = span.links.map((link) => ({
    traceId: hexId(link.traceId, 16, `${what} link trace_id`),
    spanId: hexId(link.spanId, 8, `${what} link span_id`),
    attributes: attributesOf(link.attributes),
  }));
  const end = nanosText(span.endTimeUnixNano, `${what} end_time_unix_nano`);
  return {
    traceId: hexId(span.traceId, 16, `${what} trace_id`),
    spanId: hexId(span.spanId, 8, `${what} span_id`),
    parentSpanId:
      span.parentSpanId.length === 0 ? null : hexId(span.parentSpanId, 8, `${what} parent_span_id`),
    name: wellFormed(span.name),
    kind: span.kind,
    startTimeNs: nanosText(span.startTimeUnixNano, `${what} start_time_unix_nano`),
    endTimeNs: end === '0' ? null : end,
    statusCode: span.status?.code ?? 0,
    statusMessage: wellFormed(span.status?.message ?? ''),
    attributes: attributesOf(span.attributes),
    events,
    links,
    resource,
  };
}

function attributesOf(list: KeyValueMessage[]): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const pair of list) attributes[wellFormed(pair.key)] = anyValue(pair.value);
  return attributes;
}

function anyValue(value: AnyValueMessage | null | undefined): unknown {
  if (!value) return null;
  switch (value.value) {
    case 'stringValue':
      return wellFormed(value.stringValue ?? '');
    case 'boolValue':
      return value.boolValue;
    case 'intValue': {
      const text = signedText(value.intValue);
      const number = Number(text);
      return Number.isSafeInteger(number) ? number : text;
    }
    case 'doubleValue':
      return value.doubleValue;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValue);
    case 'kvlistValue':
      return attributesOf(value.kvlistValue?.values ?? []);
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

function signedText(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'toString' in value) return String(value);
  throw new OtlpDecodeError('An int attribute value is malformed.');
}
