import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodeOtlpBatch } from './otlp-decoding.js';
import { packBatch, unpackBatch } from './span-batch-transfer.js';
import { otlpProtobufRequest, ragTrace } from './test-kit/otlp-requests.js';

describe('packed span batches', () => {
  const planned = () =>
    decodeOtlpBatch(otlpProtobufRequest([...ragTrace(), ...ragTrace()]), 'protobuf');

  it('come back with every stored field, each root the same object as its span', () => {
    const batch = planned();
    const unpacked = unpackBatch(packBatch(batch));
    expect(unpacked.spans).toEqual(
      batch.spans.map((span) => ({
        ...span,
        session: null,
        user: null,
        traceTags: null,
        traceMetadata: null,
        linkedPrompts: null,
      })),
    );
    expect(unpacked.traces.map(({ root, ...seed }) => seed)).toEqual(
      batch.traces.map(({ root, ...seed }) => seed),
    );
    for (const seed of unpacked.traces) {
      expect(seed.root).not.toBeNull();
      expect(unpacked.spans).toContain(seed.root);
      expect(seed.root!.parentSpanId).toBeNull();
    }
    // What the seeds gathered from the spans survives the trip.
    expect(unpacked.traces[0]).toMatchObject({ user: 'alice', session: 'session-1' });
  });

  it('serialise smaller than the span objects they stand for', () => {
    const batch = planned();
    expect(serialize(packBatch(batch)).length).toBeLessThan(serialize(batch).length * 0.75);
  });
});
