import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CairnClient } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server.js';

const run = promisify(execFile);
let server: LiveServer;

// A child process imports the built SDK (dist), so build it first; tsc -b is a no-op when fresh.
beforeAll(async () => {
  await run('npx', ['tsc', '-b', 'packages/sdk'], { cwd: new URL('../..', import.meta.url) });
  server = await startLiveServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('exit hook', () => {
  it('sends buffered values and ends the open run when the process exits on its own', async () => {
    const script = `
      import { Cairn } from '@cairn/sdk';
      const cairn = new Cairn({ trackingUri: process.argv[1], flushIntervalMs: 60000 });
      await cairn.setExperiment('exit-flush');
      const run = await cairn.startRun();
      for (let step = 0; step < 1500; step++) cairn.logMetric('loss', step, { step });
      cairn.logParam('model', 'gpt-4o');
      console.log(run.runId);
    `;
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, server.url],
      {
        cwd: new URL('../..', import.meta.url),
      },
    );
    const runId = stdout.trim();
    const client = new CairnClient(server.url);
    const logged = await client.getRun(runId);
    expect(logged.info.status).toBe('FINISHED');
    expect(logged.data.params).toEqual([{ key: 'model', value: 'gpt-4o' }]);
    expect(await client.getMetricHistory(runId, 'loss')).toHaveLength(1500);
  });

  it('reports a failed flush at exit on stderr, never failing the process', async () => {
    const script = `
      import { Cairn } from '@cairn/sdk';
      const cairn = new Cairn({ trackingUri: process.argv[1] });
      await cairn.setExperiment('exit-flush-bad');
      const run = await cairn.startRun();
      cairn.logMetric('bad//key', 1); // the server refuses this name at flush time
      console.log(run.runId);
    `;
    const { stdout, stderr } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, server.url],
      { cwd: new URL('../..', import.meta.url) },
    );
    expect(stderr).toContain('[cairn] logging to the tracking server failed');
    const logged = await new CairnClient(server.url).getRun(stdout.trim());
    expect(logged.info.status).toBe('FINISHED');
  });
});
