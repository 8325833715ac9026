import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/index.js';
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

  it('moves a body that owns its memory to the thread, and copies a pooled one', async () => {
    decoder = new OtlpDecoder();
    const request = otlpProtobufRequest(ragTrace());
    const owned = new Uint8Array(request.length);
    owned.set(request);
    const pool = new Uint8Array(request.length + 16);
    pool.set(request, 8);
    const slice = pool.subarray(8, 8 + request.length);
    const [fromOwned, fromSlice] = await Promise.all([
      decoder.decode(owned, 'protobuf'),
      decoder.decode(slice, 'protobuf'),
    ]);
    expect(fromOwned.spans).toHaveLength(fromSlice.spans.length);
    expect(owned.byteLength).toBe(0);
    expect(slice.byteLength).toBe(request.length);
  });

  it('rejects a malformed body with an OtlpDecodeError and goes on decoding', async () => {
    decoder = new OtlpDecoder();
    const malformed = decoder.decode(Buffer.from([0x0a, 0xff, 0xff]), 'protobuf');
    await expect(malformed).rejects.toBeInstanceOf(OtlpDecodeError);
    await expect(decoder.decode(Buffer.from('{nope'), 'json')).rejects.toThrow(/not valid JSON/);
    const batch = await decoder.decode(otlpProtobufRequest(ragTrace()), 'protobuf');
    expect(batch.spans.length).toBeGreaterThan(0);
  });

  it("checkpoints a SQLite store's WAL from its thread while batches arrive", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-decoder-'));
    const path = join(dir, 'c.db');
    const storage = await openStorage(`sqlite:///${path}`);
    try {
      storage.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
      // Rows the database file has no room for yet, so a checkpoint makes it grow.
      storage.sqlite!.exec(
        "create table filler (value text); insert into filler select printf('%.1000c', 'x') from json_each(json_array(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20))",
      );
      const before = statSync(path).size;
      decoder = new OtlpDecoder({ sqlitePath: path });
      await decoder.decode(otlpProtobufRequest(ragTrace()), 'protobuf');
      const deadline = Date.now() + 5000;
      while (statSync(path).size === before && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(statSync(path).size).toBeGreaterThan(before);
    } finally {
      await decoder?.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
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
