import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { createUpstreamFetch } from '../transport/upstream-fetch.js';
import { LogQueue } from './log-queue.js';
import { HttpLogSink, MemoryLogSink } from './log-sink.js';

const record = (index: number): GatewayLogRecord => ({
  request_id: `r${index}`,
  timestamp_ms: 0,
  route: 'chat',
  route_type: 'llm/v1/chat',
  status: 200,
  stream: false,
  latency_ms: 1,
  retries: 0,
  fallbacks: 0,
  cache_hit: false,
});

describe('LogQueue', () => {
  it('writes in batches off the caller, and flushes the rest on close', async () => {
    const sink = new MemoryLogSink();
    const batches: number[] = [];
    const queue = new LogQueue(
      {
        write: async (batch) => {
          batches.push(batch.records.length);
          await sink.write(batch);
        },
      },
      { maxQueued: 100, batchSize: 3, flushMs: 10_000 },
    );
    for (let index = 0; index < 7; index++) queue.push(record(index));
    expect(sink.records).toHaveLength(0);
    await expect.poll(() => batches[0]).toBe(3);
    await queue.close();
    expect(sink.records.map((item) => item.request_id)).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
      'r6',
    ]);
  });

  it('drops and counts when full or when the sink fails, and reports drops in the next batch', async () => {
    let fail = true;
    const received: GatewayLogBatch[] = [];
    const queue = new LogQueue(
      {
        write: async (batch) => {
          if (fail) throw new Error('store down');
          received.push(batch);
        },
      },
      { maxQueued: 2, batchSize: 10, flushMs: 5 },
    );
    for (let index = 0; index < 5; index++) queue.push(record(index));
    expect(queue.dropped).toBe(3);
    await queue.flush();
    expect(queue.dropped).toBe(5);
    fail = false;
    queue.push(record(9));
    await queue.flush();
    expect(received).toEqual([{ records: [record(9)], dropped: 5 }]);
  });
});

/** A tracking-server stand-in that records each POST's path and JSON body. */
async function startLogReceiver() {
  const received: { path: string | undefined; body: unknown }[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url, body: JSON.parse(raw) });
      response.writeHead(request.url === '/api/2.0/cairn/gateway/logs' ? 200 : 404).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('HttpLogSink', () => {
  it.each([
    ['global fetch', undefined],
    ['the upstream fetch', createUpstreamFetch()],
  ])('POSTs batches to /api/2.0/cairn/gateway/logs with %s', async (_name, fetch) => {
    const receiver = await startLogReceiver();
    const sink = new HttpLogSink(receiver.url, fetch ? { fetch } : {});
    await sink.write({ records: [record(1)] });
    await sink.write({ records: [record(2)] });
    expect(receiver.received).toEqual([
      { path: '/api/2.0/cairn/gateway/logs', body: { records: [record(1)] } },
      { path: '/api/2.0/cairn/gateway/logs', body: { records: [record(2)] } },
    ]);
    receiver.close();
  });

  it('receives records from a LogQueue encoded as they were queued, in order, with drops', async () => {
    const receiver = await startLogReceiver();
    const sink = new HttpLogSink(receiver.url, { fetch: createUpstreamFetch() });
    const queue = new LogQueue(sink, { maxQueued: 2, batchSize: 10, flushMs: 60_000 });
    for (const id of [1, 2, 3]) queue.push(record(id));
    await queue.flush();
    queue.push(record(4));
    await queue.close();
    // The third record found the queue full: the next batch written reports the drop.
    expect(receiver.received.map((received) => received.body)).toEqual([
      { records: [record(1), record(2)], dropped: 1 },
      { records: [record(4)] },
    ]);
    receiver.close();
  });
});
