import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CairnClient } from '@cairn/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, startTestServer } from '../test-kit/run-cli.js';

describe('cairn experiments / runs / artifacts against a live server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let client: CairnClient;
  let uri: string[];
  beforeAll(async () => {
    server = await startTestServer();
    client = new CairnClient({ trackingUri: server.trackingUri });
    uri = ['--tracking-uri', server.trackingUri];
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('creates, lists, deletes and restores experiments', async () => {
    const created = await runCli([
      'experiments',
      'create',
      '--experiment-name',
      'cli-exp',
      '--tag',
      'team=search',
      ...uri,
    ]);
    expect(created).toMatchObject({ exitCode: 0, stderr: '' });
    const id = /with id (\S+)\.$/.exec(created.stdout.trim())?.[1];
    expect(created.stdout).toMatch(/^Created experiment 'cli-exp' with id \S+\.\n$/);
    expect((await client.getExperiment(id!)).tags).toContainEqual({ key: 'team', value: 'search' });

    const table = await runCli(['experiments', 'list', ...uri]);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/Experiment Id.*Name.*Artifact Location/);
    expect(table.stdout).toContain('cli-exp');
    expect(table.stdout).toContain('Default');

    const filtered = await runCli([
      'experiments',
      'list',
      '--filter',
      "tags.team = 'search'",
      '--output',
      'json',
      ...uri,
    ]);
    expect(JSON.parse(filtered.stdout).map((e: { name: string }) => e.name)).toEqual(['cli-exp']);

    expect((await runCli(['experiments', 'delete', '--experiment-id', id!, ...uri])).stdout).toBe(
      `Deleted experiment ${id}.\n`,
    );
    const names = async (view: string) =>
      JSON.parse(
        (await runCli(['experiments', 'list', '--view', view, '--output', 'json', ...uri])).stdout,
      ).map((e: { name: string }) => e.name);
    expect(await names('active')).not.toContain('cli-exp');
    expect(await names('deleted')).toEqual(['cli-exp']);
    expect(await names('all')).toEqual(expect.arrayContaining(['cli-exp', 'Default']));
    const deletedTable = await runCli(['experiments', 'list', '--view', 'deleted', ...uri]);
    expect(deletedTable.stdout).toMatch(/Stage/);
    expect(deletedTable.stdout).toContain('deleted');

    await runCli(['experiments', 'restore', '--experiment-id', id!, ...uri]);
    expect(await names('active')).toContain('cli-exp');
  });

  it('reports a duplicate name as one line with the server’s code', async () => {
    await runCli(['experiments', 'create', '-n', 'twice', ...uri]);
    const again = await runCli(['experiments', 'create', '-n', 'twice', ...uri]);
    expect(again.exitCode).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/^cairn: .*\(RESOURCE_ALREADY_EXISTS, HTTP 400\)\n$/);
  });

  it('lists runs with filter, order and limit, as a table or JSON', async () => {
    const experimentId = await client.createExperiment('cli-runs');
    const ids: string[] = [];
    for (const [index, acc] of [0.2, 0.9, 0.6].entries()) {
      const run = await client.createRun(experimentId, { runName: `run-${index}` });
      ids.push(run.info.run_id);
      await client.logBatch(run.info.run_id, {
        metrics: [{ key: 'acc', value: acc }],
        params: [{ key: 'model', value: index === 0 ? 'small' : 'large' }],
      });
    }
    const json = await runCli([
      'runs',
      'list',
      '--experiment-id',
      experimentId,
      '--filter',
      "metrics.acc > 0.5 and params.model = 'large'",
      '--order-by',
      'metrics.acc DESC',
      '--output',
      'json',
      ...uri,
    ]);
    expect(json.exitCode).toBe(0);
    expect(
      JSON.parse(json.stdout).map((run: { info: { run_id: string } }) => run.info.run_id),
    ).toEqual([ids[1], ids[2]]);

    const limited = await runCli([
      'runs',
      'list',
      '-x',
      experimentId,
      '--order-by',
      'metrics.acc ASC',
      '--max-results',
      '1',
      '--output',
      'json',
      ...uri,
    ]);
    expect(
      JSON.parse(limited.stdout).map((run: { info: { run_id: string } }) => run.info.run_id),
    ).toEqual([ids[0]]);

    const table = await runCli(['runs', 'list', '--experiment-id', experimentId, ...uri]);
    expect(table.stdout).toMatch(/Run Id.*Name.*Status.*Started.*Metrics/);
    for (const id of ids) expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('acc=0.900000');
    expect(table.stdout).toContain('RUNNING');

    const none = await runCli([
      'runs',
      'list',
      '-x',
      experimentId,
      '--filter',
      'metrics.acc > 5',
      ...uri,
    ]);
    expect(none.stdout).toBe('No runs match.\n');
  });

  it('shows one run as JSON or tables, and says clearly when it does not exist', async () => {
    const experimentId = await client.createExperiment('cli-get');
    const run = await client.createRun(experimentId, { runName: 'shown' });
    const runId = run.info.run_id;
    await client.logParam(runId, 'lr', '0.01');
    await client.logMetric(runId, 'loss', 0.25, { step: 3 });
    await client.setTag(runId, 'owner', 'ana');

    const json = await runCli(['runs', 'get', runId, ...uri]);
    const shown = JSON.parse(json.stdout);
    expect(shown.info).toMatchObject({ run_id: runId, run_name: 'shown' });
    expect(shown.data.params).toEqual([{ key: 'lr', value: '0.01' }]);

    const table = await runCli(['runs', 'get', runId, '--output', 'table', ...uri]);
    expect(table.stdout).toMatch(/run_name\s*│\s*shown/);
    expect(table.stdout).toMatch(/lr\s*│\s*0\.01/);
    expect(table.stdout).toMatch(/loss\s*│\s*0\.250000\s*│\s*3/);
    expect(table.stdout).toMatch(/owner\s*│\s*ana/);

    const missing = await runCli(['runs', 'get', 'a'.repeat(32), ...uri]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^cairn: .*\(RESOURCE_DOES_NOT_EXIST, HTTP 404\)\n$/);
  });

  it('lists and downloads artifacts, a single file or a whole tree', async () => {
    const experimentId = await client.createExperiment('cli-artifacts');
    const runId = (await client.createRun(experimentId)).info.run_id;
    await client.logText(runId, 'hello', 'notes.txt');
    await client.logDict(runId, { a: 1 }, 'model/config.json');
    const dst = mkdtempSync(join(tmpdir(), 'cairn-cli-dst-'));
    try {
      const listed = await runCli(['artifacts', 'list', '--run-id', runId, ...uri]);
      expect(listed.stdout).toMatch(/notes\.txt\s*│\s*file\s*│\s*5 B/);
      expect(listed.stdout).toMatch(/model\s*│\s*dir/);

      const all = await runCli(['artifacts', 'download', '--run-id', runId, '--dst', dst, ...uri]);
      expect(all).toMatchObject({ exitCode: 0, stderr: '' });
      expect(all.stdout.trim()).toBe(dst);
      expect(readFileSync(join(dst, 'notes.txt'), 'utf8')).toBe('hello');
      expect(JSON.parse(readFileSync(join(dst, 'model', 'config.json'), 'utf8'))).toEqual({ a: 1 });

      const one = mkdtempSync(join(tmpdir(), 'cairn-cli-one-'));
      const single = await runCli([
        'artifacts',
        'download',
        '-r',
        runId,
        '--artifact-path',
        'model/config.json',
        '-d',
        one,
        ...uri,
      ]);
      expect(single.stdout.trim()).toBe(join(one, 'model', 'config.json'));
      expect(existsSync(join(one, 'notes.txt'))).toBe(false);
      rmSync(one, { recursive: true, force: true });
    } finally {
      rmSync(dst, { recursive: true, force: true });
    }
  });

  it('takes the tracking URI from CAIRN_TRACKING_URI, then MLFLOW_TRACKING_URI', async () => {
    vi.stubEnv('CAIRN_TRACKING_URI', '');
    vi.stubEnv('MLFLOW_TRACKING_URI', server.trackingUri);
    expect((await runCli(['experiments', 'list'])).stdout).toContain('Default');
    vi.stubEnv('CAIRN_TRACKING_URI', server.trackingUri);
    vi.stubEnv('MLFLOW_TRACKING_URI', 'http://127.0.0.1:1');
    expect((await runCli(['experiments', 'list'])).stdout).toContain('Default');
  });
});

describe('cairn client commands without a server', () => {
  it('say in one line that the server is unreachable and how to start one', async () => {
    const result = await runCli(['experiments', 'list', '--tracking-uri', 'http://127.0.0.1:1']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('cannot reach a tracking server at http://127.0.0.1:1');
    expect(result.stderr).toContain('npx cairn server');
  });

  it('refuses a tracking URI that is not http(s)', async () => {
    const result = await runCli(['runs', 'get', 'x', '--tracking-uri', 'file:///tmp/mlruns']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/is not an http\(s\) URL/);
  });

  it('rejects bad flags with commander’s message', async () => {
    const missing = await runCli(['runs', 'list']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("required option '-x, --experiment-id <id>' not specified");
    const badOutput = await runCli(['runs', 'list', '-x', '1', '--output', 'xml']);
    expect(badOutput.stderr).toContain('Allowed choices are table, json');
    const badNumber = await runCli(['runs', 'list', '-x', '1', '--max-results', '0']);
    expect(badNumber.stderr).toContain('must be a whole number of at least 1');
  });

  it('explains every command in --help', async () => {
    for (const command of [
      ['experiments', 'list'],
      ['experiments', 'create'],
      ['experiments', 'delete'],
      ['runs', 'list'],
      ['runs', 'get'],
      ['artifacts', 'download'],
      ['server'],
    ]) {
      const help = await runCli([...command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain(`Usage: cairn ${command.join(' ')}`);
      if (command[0] !== 'server') expect(help.stdout).toContain('CAIRN_TRACKING_URI');
    }
    const top = await runCli(['--help']);
    for (const name of ['server', 'db', 'experiments', 'runs', 'artifacts']) {
      expect(top.stdout).toContain(name);
    }
  });
});
