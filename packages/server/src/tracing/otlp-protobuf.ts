import { OtlpDecodeError, type OtlpEvent, type OtlpLink, type OtlpSpan } from './otlp-span.js';
import { ProtobufReader } from './protobuf-reader.js';

/**
 * Decodes an OTLP/HTTP protobuf ExportTraceServiceRequest into spans; malformed input throws
 * OtlpDecodeError. Hand-written over the wire format (field numbers from opentelemetry-proto's
 * `trace/v1/trace.proto` and `common/v1/common.proto`) rather than through a generic decoder:
 * ingestion is bound by this loop, and reading straight into the span shape skips an
 * intermediate object tree. Unknown fields are skipped, as protobuf requires.
 */
export function decodeOtlpProtobuf(body: Uint8Array): OtlpSpan[] {
  const buffer = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const reader = new ProtobufReader(buffer);
  const spans: OtlpSpan[] = [];
  while (reader.position < reader.end) {
    const tag = reader.uint32();
    if (tag === 0x0a) {
      const [start, end] = reader.bytes();
      readResourceSpans(buffer, start, end, spans);
    } else reader.skip(tag & 7);
  }
  return spans;
}

/** ResourceSpans: 1 resource, 2 scope_spans. The resource is read first wherever it appears. */
function readResourceSpans(buffer: Buffer, start: number, end: number, spans: OtlpSpan[]): void {
  const reader = new ProtobufReader(buffer, start, end);
  let resource: Record<string, unknown> = {};
  const scopes: [number, number][] = [];
  while (reader.position < end) {
    const tag = reader.uint32();
    if (tag === 0x0a) {
      const [from, to] = reader.bytes();
      resource = readResource(buffer, from, to);
    } else if (tag === 0x12) scopes.push(reader.bytes());
    else reader.skip(tag & 7);
  }
  for (const [from, to] of scopes) {
    // ScopeSpans: 2 spans (1 scope and 3 schema_url are not kept).
    const scope = new ProtobufReader(buffer, from, to);
    while (scope.position < to) {
      const tag = scope.uint32();
      if (tag === 0x12) {
        const [spanStart, spanEnd] = scope.bytes();
        spans.push(readSpan(buffer, spanStart, spanEnd, resource, spans.length));
      } else scope.skip(tag & 7);
    }
  }
}

function readResource(buffer: Buffer, start: number, end: number): Record<string, unknown> {
  const reader = new ProtobufReader(buffer, start, end);
  const attributes: Record<string, unknown> = {};
  while (reader.position < end) {
    const tag = reader.uint32();
    if (tag === 0x0a) readKeyValue(reader, attributes);
    else reader.skip(tag & 7);
  }
  return attributes;
}

/** Span fields: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 7/8 times, 9 attributes, 11 events, 13 links, 15 status. */
function readSpan(
  buffer: Buffer,
  start: number,
  end: number,
  resource: Record<string, unknown>,
  index: number,
): OtlpSpan {
  const what = `resource_spans span ${index}`;
  const reader = new ProtobufReader(buffer, start, end);
  let traceId = '';
  let spanId = '';
  let parentSpanId: string | null = null;
  let name = '';
  let kind = 0;
  let startTime = 0n;
  let endTime = 0n;
  let statusCode = 0;
  let statusMessage = '';
  const attributes: Record<string, unknown> = {};
  let events = noEvents;
  let links = noLinks;
  while (reader.position < end) {
    const tag = reader.uint32();
    switch (tag) {
      case 0x0a:
        traceId = readId(reader, 16, `${what} trace_id`);
        break;
      case 0x12:
        spanId = readId(reader, 8, `${what} span_id`);
        break;
      case 0x22: {
        const outer = reader.enter();
        const from = reader.position;
        const to = reader.end;
        reader.leave(outer);
        parentSpanId = from === to ? null : idText(buffer, from, to, 8, `${what} parent_span_id`);
        break;
      }
      case 0x2a:
        name = cleanText(reader.string());
        break;
      case 0x30:
        kind = reader.uint32() | 0;
        break;
      case 0x39:
        startTime = reader.fixed64();
        break;
      case 0x41:
        endTime = reader.fixed64();
        break;
      case 0x4a:
        readKeyValue(reader, attributes);
        break;
      case 0x5a:
        if (events === noEvents) events = [];
        events.push(readEvent(reader));
        break;
      case 0x6a:
        if (links === noLinks) links = [];
        links.push(readLink(reader, what));
        break;
      case 0x7a: {
        const outer = reader.enter();
        while (reader.position < reader.end) {
          const statusTag = reader.uint32();
          if (statusTag === 0x12) statusMessage = cleanText(reader.string());
          else if (statusTag === 0x18) statusCode = reader.uint32() | 0;
          else reader.skip(statusTag & 7);
        }
        reader.leave(outer);
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  if (traceId === '') throw new OtlpDecodeError(`${what} trace_id must be 16 bytes, got 0.`);
  if (spanId === '') throw new OtlpDecodeError(`${what} span_id must be 8 bytes, got 0.`);
  return {
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeNs: startTime.toString(),
    endTimeNs: endTime === 0n ? null : endTime.toString(),
    statusCode,
    statusMessage,
    attributes,
    events,
    links,
    resource,
  };
}

// Most spans have neither; they share these frozen empty lists.
const noEvents = Object.freeze([]) as unknown as OtlpEvent[];
const noLinks = Object.freeze([]) as unknown as OtlpLink[];

/** Event: 1 time_unix_nano, 2 name, 3 attributes. */
function readEvent(parent: ProtobufReader): OtlpEvent {
  const [start, end] = parent.bytes();
  const reader = new ProtobufReader(parent.buffer, start, end);
  let time = 0n;
  let name = '';
  const attributes: Record<string, unknown> = {};
  while (reader.position < end) {
    const tag = reader.uint32();
    if (tag === 0x09) time = reader.fixed64();
    else if (tag === 0x12) name = cleanText(reader.string());
    else if (tag === 0x1a) readKeyValue(reader, attributes);
    else reader.skip(tag & 7);
  }
  return { name, timeUnixNano: time.toString(), attributes };
}

/** Link: 1 trace_id, 2 span_id, 4 attributes. */
function readLink(parent: ProtobufReader, what: string): OtlpLink {
  const [start, end] = parent.bytes();
  const reader = new ProtobufReader(parent.buffer, start, end);
  let traceId = '';
  let spanId = '';
  const attributes: Record<string, unknown> = {};
  while (reader.position < end) {
    const tag = reader.uint32();
    if (tag === 0x0a) traceId = readId(reader, 16, `${what} link trace_id`);
    else if (tag === 0x12) spanId = readId(reader, 8, `${what} link span_id`);
    else if (tag === 0x22) readKeyValue(reader, attributes);
    else reader.skip(tag & 7);
  }
  if (traceId === '') throw new OtlpDecodeError(`${what} link trace_id must be 16 bytes, got 0.`);
  if (spanId === '') throw new OtlpDecodeError(`${what} link span_id must be 8 bytes, got 0.`);
  return { traceId, spanId, attributes };
}

/** KeyValue (1 key, 2 value), added to `into`. */
function readKeyValue(reader: ProtobufReader, into: Record<string, unknown>): void {
  const outer = reader.enter();
  let key = '';
  let value: unknown = null;
  while (reader.position < reader.end) {
    const tag = reader.uint32();
    if (tag === 0x0a) key = cleanText(reader.string());
    else if (tag === 0x12) value = readAnyValue(reader);
    else reader.skip(tag & 7);
  }
  reader.leave(outer);
  // A plain assignment of `__proto__` would replace the object's prototype instead.
  if (key === '__proto__') {
    Object.defineProperty(into, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else into[key] = value;
}

/** AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes (the last one set wins). */
function readAnyValue(reader: ProtobufReader): unknown {
  const outer = reader.enter();
  let value: unknown = null;
  while (reader.position < reader.end) {
    const tag = reader.uint32();
    switch (tag) {
      case 0x0a:
        value = cleanText(reader.string());
        break;
      case 0x10:
        value = reader.uint32() !== 0;
        break;
      case 0x18: {
        const integer = reader.int64();
        const number = Number(integer);
        value = Number.isSafeInteger(number) ? number : integer.toString();
        break;
      }
      case 0x21:
        value = reader.double();
        break;
      case 0x2a: {
        const list = reader.enter();
        const values: unknown[] = [];
        while (reader.position < reader.end) {
          const itemTag = reader.uint32();
          if (itemTag === 0x0a) values.push(readAnyValue(reader));
          else reader.skip(itemTag & 7);
        }
        reader.leave(list);
        value = values;
        break;
      }
      case 0x32: {
        const list = reader.enter();
        const object: Record<string, unknown> = {};
        while (reader.position < reader.end) {
          const entryTag = reader.uint32();
          if (entryTag === 0x0a) readKeyValue(reader, object);
          else reader.skip(entryTag & 7);
        }
        reader.leave(list);
        value = object;
        break;
      }
      case 0x3a: {
        const [from, to] = reader.bytes();
        value = reader.buffer.toString('base64', from, to);
        break;
      }
      default:
        reader.skip(tag & 7);
    }
  }
  reader.leave(outer);
  return value;
}

function readId(reader: ProtobufReader, length: 8 | 16, what: string): string {
  const outer = reader.enter();
  const start = reader.position;
  const end = reader.end;
  reader.leave(outer);
  return idText(reader.buffer, start, end, length, what);
}

function idText(buffer: Buffer, start: number, end: number, length: number, what: string): string {
  if (end - start !== length) {
    throw new OtlpDecodeError(`${what} must be ${length} bytes, got ${end - start}.`);
  }
  return buffer.toString('hex', start, end);
}

/** Decoded UTF-8 has no unpaired surrogates (invalid bytes became U+FFFD); only NUL needs replacing. */
function cleanText(text: string): string {
  return text.indexOf('\0') === -1 ? text : text.replaceAll('\0', '\uFFFD');
}
