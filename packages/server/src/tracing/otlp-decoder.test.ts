import { afterEach, describe, expect, it } from 'vitest';
import { OtlpDecoder } from './otlp-decoder.js';
import { OtlpDecodeError } from './otlp-span.js';
import { otlpJsonRequest, otlpProtobufRequest, ragTrace } from './test-kit/otlp-requests.js';

describe('OtlpDecoder', () => {
  let decoder: OtlpDecoder | undefined;
  afterEach(async () => {
    await decoder?.close();
    decoder = undefined;
  });

  it('decodes protobuf and JSON bodies on its thread into planned batches', async () => {
    decoder = new OtlpDecoder();
    const spans = ragTrace();
    const [fromProtobuf, fromJson] = await Promise.all([
      decoder.decode(otlpProtobufRequest(spans), 'protobuf'),
      decoder.decode(Buffer.from(JSON.stringify(otlpJsonRequest(spans))), 'json'),
    ]);
    for (const batch of [fromProtobuf, fromJson]) {
      expect(batch.spans).toHaveLength(spans.length);
      expect(batch.traces).toHaveLength(1);
      expect(batch.traces[0]).toMatchObject({ requestId: `tr-${spans[0]!.traceId}` });
      expect(batch.traces[0]!.root?.spanId).toBe(spans[0]!.spanId);
    }
    expect(fromJson.spans.map((span) => span.spanType)).toEqual(
      fromProtobuf.spans.map((span) => span.spanType),
    );
  });

  it('rejects a malformed body with an OtlpDecodeError and goes on decoding', async () => {
    decoder = new OtlpDecoder();
    const malformed = decoder.decode(Buffer.from([0x0a, 0xff, 0xff]), 'protobuf');
    await expect(malformed).rejects.toBeInstanceOf(OtlpDecodeError);
    await expect(decoder.decode(Buffer.from('{nope'), 'json')).rejects.toThrow(/not valid JSON/);
    const batch = await decoder.decode(otlpProtobufRequest(ragTrace()), 'protobuf');
    expect(batch.spans.length).toBeGreaterThan(0);
  });

  it('fails the requests of a thread that stops, and starts a new one for the next', async () => {
    decoder = new OtlpDecoder();
    const body = otlpProtobufRequest(ragTrace());
    await decoder.decode(body, 'protobuf');
    const inFlight = expect(decoder.decode(body, 'protobuf')).rejects.toThrow(
      /decoding thread stopped/,
    );
    await decoder.close();
    await inFlight;
    const batch = await decoder.decode(body, 'protobuf');
    expect(batch.spans.length).toBeGreaterThan(0);
  });
});
