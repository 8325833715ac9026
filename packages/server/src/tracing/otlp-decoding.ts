import type { PriceCatalogue } from '@cairn/spec';
import { decodeOtlpJson } from './otlp-json.js';
import { decodeOtlpProtobuf } from './otlp-protobuf.js';
import { OtlpDecodeError } from './otlp-span.js';
import { planBatch, type SpanBatch } from './span-batch.js';
import { toSpanRecord } from './span-record.js';

/** The two OTLP/HTTP encodings of an ExportTraceServiceRequest. */
export type OtlpEncoding = 'protobuf' | 'json';

/**
 * An OTLP/HTTP request body as a batch ready for the span writer: decoded, mapped onto Cairn's
 * span semantics (span types, models, usage, cost) and grouped by trace. Throws OtlpDecodeError
 * for a body that is not a valid request.
 */
export function decodeOtlpBatch(
  body: Uint8Array,
  encoding: OtlpEncoding,
  prices?: PriceCatalogue,
): SpanBatch {
  const spans =
    encoding === 'protobuf' ? decodeOtlpProtobuf(body) : decodeOtlpJson(parseJson(body));
  return planBatch(spans.map((span) => toSpanRecord(span, prices)));
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`Body is not valid JSON: ${(error as Error).message}`);
  }
}
