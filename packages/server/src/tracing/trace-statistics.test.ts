import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { toSpanRecord } from './span-record.js';
import { hexId } from './test-kit/otlp-requests.js';
import { TraceStore } from './trace-store.js';

const postgres = testBackends().filter((backend) => backend.name === 'postgres');

describe.runIf(postgres.length > 0)('trace statistics on PostgreSQL', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = await postgres[0]!.open();
  });
  afterAll(() => storage?.close());

  const reltuples = async () =>
    (
      await sql<{ reltuples: number }>`select reltuples from pg_class
        where relname = 'trace_info'`.execute(storage.db)
    ).rows[0]!.reltuples;

  it('analyzes the trace tables once enough traces have arrived', async () => {
    const store = new TraceStore(storage);
    const start = (BigInt(Date.now()) * 1_000_000n).toString();
    const batch = (count: number) =>
      Array.from({ length: count }, () =>
        toSpanRecord({
          traceId: hexId(16),
          spanId: hexId(8),
          parentSpanId: null,
          name: 'root',
          kind: 1,
          startTimeNs: start,
          endTimeNs: start,
          statusCode: 1,
          statusMessage: '',
          attributes: { 'session.id': 's' },
          events: [],
          links: [],
          resource: {},
        }),
      );
    expect(await reltuples()).toBe(-1);
    await store.logSpans(0, batch(600));
    await store.statistics.settled();
    expect(await reltuples()).toBe(-1);
    await store.logSpans(0, batch(600));
    await store.statistics.settled();
    expect(await reltuples()).toBe(1200);
  });
});
