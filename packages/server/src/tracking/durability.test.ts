import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../storage/index.js';
import { requireBuiltCli, startBuiltServer } from '../test-kit/built-server.js';

async function post(address: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${address}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('durability of acknowledged writes', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'cairn-durability-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every write answered 200 after the server is killed with SIGKILL mid-ingestion', async () => {
    const databasePath = join(dir, 'cairn.db');
    const server = await startBuiltServer(databasePath, join(dir, 'artifacts'));
    child = server.child;
    const created = await post(server.address, 'runs/create', { experiment_id: '0' });
    const runId = ((await created.json()) as { run: { info: { run_id: string } } }).run.info.run_id;

    // Every point gets its own step, so the database can be checked point by point.
    const acknowledged = new Set<number>();
    let nextStep = 0;
    let killed = false;
    const singleWriter = async () => {
      while (!killed) {
        const step = nextStep++;
        try {
          const response = await post(server.address, 'runs/log-metric', {
            run_id: runId,
            key: 'm',
            value: step,
            timestamp: 1,
            step,
          });
          if (response.status === 200) acknowledged.add(step);
        } catch {
          return;
        }
      }
    };
    const batchWriter = async () => {
      while (!killed) {
        const steps = Array.from({ length: 200 }, () => nextStep++);
        try {
          const response = await post(server.address, 'runs/log-batch', {
            run_id: runId,
            metrics: steps.map((step) => ({ key: 'm', value: step, timestamp: 1, step })),
          });
          if (response.status === 200) for (const step of steps) acknowledged.add(step);
        } catch {
          return;
        }
      }
    };
    const writers = [
      ...Array.from({ length: 8 }, singleWriter),
      ...Array.from({ length: 3 }, batchWriter),
    ];
    // Kill once ingestion is well under way, with requests still in flight.
    while (acknowledged.size < 3000) await new Promise((wake) => setTimeout(wake, 5));
    const exited = new Promise((resolveExit) => server.child.once('exit', resolveExit));
    server.child.kill('SIGKILL');
    killed = true;
    await exited;
    await Promise.all(writers);

    const storage = await openStorage(`sqlite:///${databasePath}`);
    try {
      const rows = await storage.db
        .selectFrom('metrics')
        .select('step')
        .where('run_uuid', '=', runId)
        .execute();
      const stored = new Set(rows.map((row) => row.step));
      const lost = [...acknowledged].filter((step) => !stored.has(step));
      expect(acknowledged.size).toBeGreaterThanOrEqual(3000);
      expect(lost).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
