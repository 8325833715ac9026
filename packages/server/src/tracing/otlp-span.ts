/** An OpenTelemetry span event, decoded. */
export interface OtlpEvent {
  name: string;
  /** Nanoseconds since the epoch, as decimal text (int64 does not fit a JS number exactly). */
  timeUnixNano: string;
  attributes: Record<string, unknown>;
}

/** An OpenTelemetry span link, decoded. */
export interface OtlpLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

/**
 * One span as every ingestion path (OTLP protobuf, OTLP JSON, MLflow `traces.json`) decodes it
 * before semantic-convention mapping: ids in lower-case hex, times in nanoseconds as decimal text,
 * attribute values as plain JSON values.
 */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeNs: string;
  endTimeNs: string | null;
  /** StatusCode: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  attributes: Record<string, unknown>;
  events: OtlpEvent[];
  links: OtlpLink[];
  /** The attributes of the resource that produced the span (service.name, …). */
  resource: Record<string, unknown>;
}

/** Decoding failures that are the sender's fault; routes answer them 400. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

const badCharacter = /[\0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const badCharacters = new RegExp(badCharacter.source, 'g');

/**
 * Text every database accepts: NUL (refused by PostgreSQL) and unpaired surrogates (what invalid
 * UTF-8 decodes to) become U+FFFD.
 */
export function wellFormed(text: string): string {
  return badCharacter.test(text) ? text.replace(badCharacters, '\uFFFD') : text;
}

/** Lower-case hex of an id given as bytes; checks its length. */
export function hexId(bytes: Uint8Array, length: 8 | 16, what: string): string {
  if (bytes.length !== length) {
    throw new OtlpDecodeError(`${what} must be ${length} bytes, got ${bytes.length}.`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A decimal nanosecond time from what a decoder produced (number, bigint, Long, decimal text). */
export function nanosText(value: unknown, what: string): string {
  if (value === undefined || value === null || value === '') return '0';
  if (typeof value === 'string') {
    if (!/^\d{1,20}$/.test(value)) throw new OtlpDecodeError(`${what} '${value}' is not a time.`);
    return BigInt(value).toString();
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new OtlpDecodeError(`${what} is not a time.`);
    return BigInt(Math.trunc(value)).toString();
  }
  // protobufjs hands 64-bit fields over as Long objects, which print as unsigned decimal here.
  if (typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as { low: number; high: number };
    return ((BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0)).toString();
  }
  throw new OtlpDecodeError(`${what} is not a time.`);
}
