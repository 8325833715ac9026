import {
  nanosText,
  OtlpDecodeError,
  type OtlpEvent,
  type OtlpLink,
  type OtlpSpan,
  wellFormed,
} from './otlp-span.js';

type JsonObject = Record<string, unknown>;

const spanKinds = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const statusCodes = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/**
 * Decodes an OTLP/HTTP JSON ExportTraceServiceRequest (lowerCamelCase names, hex ids, 64-bit
 * integers as strings or numbers, enums as numbers or names). protobuf's JSON mapping also allows
 * the original snake_case names, so both are read.
 */
export function decodeOtlpJson(body: unknown): OtlpSpan[] {
  if (!isObject(body))
    throw new OtlpDecodeError('Body must be a JSON ExportTraceServiceRequest object.');
  const spans: OtlpSpan[] = [];
  for (const resourceSpans of list(field(body, 'resourceSpans'), 'resourceSpans')) {
    const resourceObject = field(resourceSpans, 'resource');
    const resource = isObject(resourceObject)
      ? attributesOf(field(resourceObject, 'attributes'))
      : {};
    const scopes = [
      ...list(field(resourceSpans, 'scopeSpans'), 'scopeSpans'),
      ...list(field(resourceSpans, 'instrumentationLibrarySpans'), 'instrumentationLibrarySpans'),
    ];
    for (const scopeSpans of scopes) {
      for (const span of list(field(scopeSpans, 'spans'), 'spans')) {
        spans.push(toSpan(span, resource, spans.length));
      }
    }
  }
  return spans;
}

function toSpan(span: JsonObject, resource: Record<string, unknown>, index: number): OtlpSpan {
  const what = `span ${index}`;
  const parent = field(span, 'parentSpanId');
  const status = field(span, 'status');
  const end = nanosText(field(span, 'endTimeUnixNano'), `${what} endTimeUnixNano`);
  const events: OtlpEvent[] = list(field(span, 'events'), `${what} events`).map((event) => ({
    name: text(field(event, 'name')),
    timeUnixNano: nanosText(field(event, 'timeUnixNano'), `${what} event timeUnixNano`),
    attributes: attributesOf(field(event, 'attributes')),
  }));
  const links: OtlpLink[] = list(field(span, 'links'), `${what} links`).map((link) => ({
    traceId: jsonId(field(link, 'traceId'), 16, `${what} link traceId`),
    spanId: jsonId(field(link, 'spanId'), 8, `${what} link spanId`),
    attributes: attributesOf(field(link, 'attributes')),
  }));
  return {
    traceId: jsonId(field(span, 'traceId'), 16, `${what} traceId`),
    spanId: jsonId(field(span, 'spanId'), 8, `${what} spanId`),
    parentSpanId:
      parent === undefined || parent === null || parent === ''
        ? null
        : jsonId(parent, 8, `${what} parentSpanId`),
    name: text(field(span, 'name')),
    kind: enumValue(field(span, 'kind'), spanKinds, `${what} kind`),
    startTimeNs: nanosText(field(span, 'startTimeUnixNano'), `${what} startTimeUnixNano`),
    endTimeNs: end === '0' ? null : end,
    statusCode: isObject(status)
      ? enumValue(field(status, 'code'), statusCodes, `${what} status`)
      : 0,
    statusMessage: isObject(status) ? text(field(status, 'message')) : '',
    attributes: attributesOf(field(span, 'attributes')),
    events,
    links,
    resource,
  };
}

/** Reads `name` in lowerCamelCase or its snake_case spelling. */
function field(object: JsonObject, name: string): unknown {
  const value = object[name];
  if (value !== undefined) return value;
  return object[name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function list(value: unknown, what: string): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new OtlpDecodeError(`${what} must be a list of objects.`);
  }
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? wellFormed(value) : '';
}

/** OTLP JSON ids are hex; base64 (protobuf's default bytes mapping) is accepted too. */
function jsonId(value: unknown, length: 8 | 16, what: string): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`${what} is missing.`);
  if (value.length === length * 2 && /^[0-9a-fA-F]+$/.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === length && /^[A-Za-z0-9+/_-]+=*$/.test(value)) return bytes.toString('hex');
  throw new OtlpDecodeError(`${what} '${value.slice(0, 64)}' is not a ${length}-byte hex id.`);
}

function enumValue(value: unknown, names: readonly string[], what: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
    if (/^\d+$/.test(value)) return Number(value);
  }
  throw new OtlpDecodeError(`${what} has an unknown value ${JSON.stringify(value)}.`);
}

function attributesOf(value: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const pair of list(value, 'attributes')) {
    const key = pair.key;
    if (typeof key !== 'string') throw new OtlpDecodeError('An attribute has no key.');
    attributes[wellFormed(key)] = anyValue(pair.value);
  }
  return attributes;
}

function anyValue(value: unknown): unknown {
  if (!isObject(value)) return null;
  const string = field(value, 'stringValue');
  if (typeof string === 'string') return wellFormed(string);
  const bool = field(value, 'boolValue');
  if (typeof bool === 'boolean') return bool;
  const int = field(value, 'intValue');
  if (int !== undefined) {
    const number = Number(int);
    return Number.isSafeInteger(number) ? number : String(int);
  }
  const double = field(value, 'doubleValue');
  if (double !== undefined) return Number(double);
  const array = field(value, 'arrayValue');
  if (isObject(array)) return list(field(array, 'values'), 'arrayValue').map(anyValue);
  const kvlist = field(value, 'kvlistValue');
  if (isObject(kvlist)) return attributesOf(field(kvlist, 'values'));
  const bytes = field(value, 'bytesValue');
  if (typeof bytes === 'string') return bytes;
  return null;
}
