import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/index.js';
import { requireBuiltCli, startBuiltServer } from '../test-kit/built-server.js';
import { otlpProtobufRequest, ragTrace } from './test-kit/otlp-requests.js';

describe('durability of acknowledged OTLP spans', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'cairn-otlp-durability-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every batch answered 200, whole, after SIGKILL mid-ingestion; no batch is half-written', async () => {
    const databasePath = join(dir, 'cairn.db');
    const server = await startBuiltServer(databasePath, join(dir, 'artifacts'));
    child = server.child;

    const tracesPerBatch = 8;
    const spansPerTrace = ragTrace().length;
    const sent: string[][] = [];
    const acknowledged: string[][] = [];
    let killed = false;
    const sender = async () => {
      while (!killed) {
        const traces = Array.from({ length: tracesPerBatch }, () => ragTrace());
        const ids = traces.map((spans) => `tr-${spans[0]!.traceId}`);
        sent.push(ids);
        try {
          const response = await fetch(`${server.address}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body: otlpProtobufRequest(traces.flat()),
          });
          if (response.status === 200) acknowledged.push(ids);
        } catch {
          return;
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    // Kill once ingestion is well under way, with batches still in flight.
    while (acknowledged.length < 60) await new Promise((wake) => setTimeout(wake, 5));
    const exited = new Promise((resolveExit) => server.child.once('exit', resolveExit));
    server.child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(senders);

    const storage = await openStorage(`sqlite:///${databasePath}`);
    try {
      const spanRows = await storage.db
        .selectFrom('spans')
        .select(['trace_id', (eb) => eb.fn.countAll<number>().as('spans')])
        .groupBy('trace_id')
        .execute();
      const spansOf = new Map(spanRows.map((row) => [row.trace_id, Number(row.spans)]));
      const traceRows = await storage.db
        .selectFrom('trace_info')
        .select(['request_id', 'span_count'])
        .execute();
      const countOf = new Map(traceRows.map((row) => [row.request_id, Number(row.span_count)]));

      const lost = acknowledged.flat().filter((id) => spansOf.get(id) !== spansPerTrace);
      expect(acknowledged.length).toBeGreaterThanOrEqual(60);
      expect(lost).toEqual([]);
      // Every batch sent, answered or not, is stored whole or not at all, roll-ups included.
      for (const ids of sent) {
        const stored = ids.map((id) => [spansOf.get(id) ?? 0, countOf.get(id) ?? 0]);
        const none = stored.every(([spans, count]) => spans === 0 && count === 0);
        const whole = stored.every(
          ([spans, count]) => spans === spansPerTrace && count === spansPerTrace,
        );
        expect(none || whole, JSON.stringify(stored)).toBe(true);
      }
    } finally {
      await storage.close();
    }
  });
});
