import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CairnApiError, CairnClient, type DownloadProgress } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type LiveServer, startLiveServer } from './live-server.js';

let server: LiveServer;
let client: CairnClient;
beforeAll(async () => {
  server = await startLiveServer();
  client = new CairnClient({ trackingUri: server.url, retry: { maxRetries: 0 } });
});
afterAll(async () => {
  await server?.close();
});

describe('CairnClient against a live server: experiments', () => {
  it('creates, finds, renames, tags, deletes and restores an experiment', async () => {
    const id = await client.createExperiment('sdk-exp', { tags: { team: 'lending' } });
    const experiment = await client.getExperiment(id);
    expect(experiment).toMatchObject({
      experiment_id: id,
      name: 'sdk-exp',
      lifecycle_stage: 'active',
    });
    expect(experiment.tags).toEqual([{ key: 'team', value: 'lending' }]);
    expect((await client.getExperimentByName('sdk-exp'))?.experiment_id).toBe(id);
    expect(await client.getExperimentByName('no-such-experiment')).toBeUndefined();

    await client.renameExperiment(id, 'sdk-exp-renamed');
    await client.setExperimentTag(id, 'stage', 'dev');
    await client.deleteExperimentTag(id, 'team');
    const renamed = await client.getExperiment(id);
    expect(renamed.name).toBe('sdk-exp-renamed');
    expect(renamed.tags).toEqual([{ key: 'stage', value: 'dev' }]);

    await client.deleteExperiment(id);
    expect((await client.getExperiment(id)).lifecycle_stage).toBe('deleted');
    const deleted = await client.searchExperiments({ viewType: 'DELETED_ONLY' });
    expect(deleted.items.map((item) => item.experiment_id)).toContain(id);
    await client.restoreExperiment(id);
    expect((await client.getExperiment(id)).lifecycle_stage).toBe('active');
  });

  it('reports a duplicate name as RESOURCE_ALREADY_EXISTS (HTTP 400)', async () => {
    await client.createExperiment('dup-exp');
    const error = await client.createExperiment('dup-exp').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CairnApiError);
    expect(error).toMatchObject({ errorCode: 'RESOURCE_ALREADY_EXISTS', httpStatus: 400 });
  });

  it('searches experiments with a filter and pages through them', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await client.createExperiment(name);
    const first = await client.searchExperiments({
      filter: "name LIKE 'page-%'",
      maxResults: 2,
      orderBy: ['name ASC'],
    });
    expect(first.items.map((item) => item.name)).toEqual(['page-a', 'page-b']);
    expect(first.nextPageToken).toBeDefined();
    const second = await client.searchExperiments({
      filter: "name LIKE 'page-%'",
      maxResults: 2,
      orderBy: ['name ASC'],
      pageToken: first.nextPageToken,
    });
    expect(second.items.map((item) => item.name)).toEqual(['page-c']);
    expect(second.nextPageToken).toBeUndefined();
  });
});

describe('CairnClient against a live server: runs', () => {
  it('creates, updates, tags, logs and reads back a run', async () => {
    const experimentId = await client.createExperiment('sdk-runs');
    const run = await client.createRun(experimentId, {
      runName: 'baseline',
      tags: { project: 'loan' },
    });
    const runId = run.info.run_id;
    expect(run.info).toMatchObject({
      run_name: 'baseline',
      status: 'RUNNING',
      experiment_id: experimentId,
    });

    await client.logParam(runId, 'model', 'gpt-4o');
    await client.logMetric(runId, 'latency_ms', 812, { step: 0 });
    await client.logMetric(runId, 'latency_ms', 640, { step: 1 });
    await client.setTag(runId, 'cost_center', 'retail-lending');
    await client.setTag(runId, 'tmp', 'x');
    await client.deleteTag(runId, 'tmp');
    const info = await client.updateRun(runId, { status: 'FINISHED', endTime: Date.now() });
    expect(info.status).toBe('FINISHED');

    const fetched = await client.getRun(runId);
    expect(fetched.data.params).toEqual([{ key: 'model', value: 'gpt-4o' }]);
    expect(fetched.data.metrics).toEqual([
      expect.objectContaining({ key: 'latency_ms', value: 640, step: 1 }),
    ]);
    const tags = Object.fromEntries((fetched.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    expect(tags).toMatchObject({ project: 'loan', cost_center: 'retail-lending' });
    expect(tags.tmp).toBeUndefined();
    expect(
      (await client.getMetricHistory(runId, 'latency_ms')).map((metric) => metric.value),
    ).toEqual([812, 640]);
  });

  it('rejects a changed param with the server error, unretried', async () => {
    const experimentId = await client.createExperiment('sdk-params');
    const { info } = await client.createRun(experimentId);
    await client.logParam(info.run_id, 'temperature', 0.2);
    const error = await client
      .logParam(info.run_id, 'temperature', 0.7)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', httpStatus: 400 });
    expect((error as Error).message).toContain('Changing param values is not allowed');
  });

  it('logs 2500 metrics through log-batch (split under the limits) and reads the history', async () => {
    const experimentId = await client.createExperiment('sdk-batch');
    const { info } = await client.createRun(experimentId);
    const metrics = Array.from({ length: 2500 }, (_, step) => ({
      key: 'loss',
      value: 1 / (step + 1),
      step,
      timestamp: 1000 + step,
    }));
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: i }));
    await client.logBatch(info.run_id, { metrics, params, tags: [{ key: 't', value: 'v' }] });
    const history = await client.getMetricHistory(info.run_id, 'loss');
    expect(history).toHaveLength(2500);
    expect(history.map((metric) => metric.step).sort((a, b) => a - b)[2499]).toBe(2499);
    expect((await client.getRun(info.run_id)).data.params).toHaveLength(150);

    const bulk = await client.getMetricHistoryBulkInterval([info.run_id], 'loss', {
      maxResults: 10,
    });
    expect(bulk.length).toBeGreaterThan(0);
    // MLflow samples max_results steps and always keeps the last one, so one more may come back.
    expect(bulk.length).toBeLessThanOrEqual(11);
    expect(bulk[0]?.run_id).toBe(info.run_id);
  });

  it('searches runs by tag, deletes and restores a run, and logs inputs', async () => {
    const experimentId = await client.createExperiment('sdk-search');
    const a = await client.createRun(experimentId, { tags: { cost_center: 'a' } });
    await client.createRun(experimentId, { tags: { cost_center: 'b' } });
    const found = await client.searchRuns(experimentId, { filter: "tags.cost_center = 'a'" });
    expect(found.items.map((run) => run.info.run_id)).toEqual([a.info.run_id]);

    await client.deleteRun(a.info.run_id);
    expect((await client.searchRuns([experimentId])).items).toHaveLength(1);
    expect((await client.searchRuns([experimentId], { runViewType: 'ALL' })).items).toHaveLength(2);
    await client.restoreRun(a.info.run_id);

    await client.logInputs(a.info.run_id, [
      {
        dataset: { name: 'qa', digest: 'abc123', source_type: 'local', source: '{"uri":"qa.csv"}' },
        tags: [{ key: 'mlflow.data.context', value: 'eval' }],
      },
    ]);
    const inputs = (await client.getRun(a.info.run_id)).inputs.dataset_inputs;
    expect(inputs?.[0]?.dataset).toMatchObject({ name: 'qa', digest: 'abc123' });
  });
});

describe('CairnClient against a live server: artifacts', () => {
  it('uploads files, text and dicts, lists them and downloads a tree', async () => {
    const experimentId = await client.createExperiment('sdk-artifacts');
    const { info } = await client.createRun(experimentId);
    const runId = info.run_id;
    const local = join(server.dir, 'upload');
    mkdirSync(join(local, 'nested'), { recursive: true });
    writeFileSync(join(local, 'a.txt'), 'alpha');
    writeFileSync(join(local, 'nested', 'b.json'), '{"b":1}');

    await client.logArtifact(runId, join(local, 'a.txt'));
    await client.logArtifacts(runId, local, 'tree');
    await client.logText(runId, 'héllo', 'notes/prompt.txt');
    await client.logDict(runId, { model: 'gpt-4o', temperature: 0.2 }, 'config.yaml');

    const root = await client.listArtifacts(runId);
    expect(root.map((file) => [file.path, file.is_dir]).sort()).toEqual([
      ['a.txt', false],
      ['config.yaml', false],
      ['notes', true],
      ['tree', true],
    ]);
    const tree = await client.listArtifacts(runId, 'tree');
    expect(tree.map((file) => file.path).sort()).toEqual(['tree/a.txt', 'tree/nested']);

    const dest = join(server.dir, 'download');
    const progress: DownloadProgress[] = [];
    const treeDir = await client.downloadArtifacts(runId, 'tree', dest, {
      onProgress: (p) => progress.push(p),
    });
    expect(readFileSync(join(treeDir, 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(treeDir, 'nested', 'b.json'), 'utf8')).toBe('{"b":1}');
    expect(progress.at(-1)?.totalBytes).toBe(5 + 7);

    const single = await client.downloadArtifacts(runId, 'notes/prompt.txt', dest);
    expect(readFileSync(single, 'utf8')).toBe('héllo');
    const yamlFile = await client.downloadArtifacts(runId, 'config.yaml', dest);
    expect(parseYaml(readFileSync(yamlFile, 'utf8'))).toEqual({
      model: 'gpt-4o',
      temperature: 0.2,
    });
  });

  it('streams a large file up and down intact', async () => {
    const experimentId = await client.createExperiment('sdk-large');
    const { info } = await client.createRun(experimentId);
    const big = join(server.dir, 'big.bin');
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    writeFileSync(big, Buffer.concat(Array.from({ length: 12 }, () => chunk)));
    await client.logArtifact(info.run_id, big, 'data');
    const local = await client.downloadArtifacts(
      info.run_id,
      'data/big.bin',
      join(server.dir, 'big-down'),
    );
    expect(statSync(local).size).toBe(12 * 1024 * 1024);
    expect(await sha256(local)).toBe(await sha256(big));
  });
});

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('CairnClient against a live server: registry', () => {
  it('reaches the model registry of the same server through client.registry', async () => {
    const experimentId = await client.createExperiment('sdk-registry');
    const run = await client.createRun(experimentId);
    const first = await client.registry.registerModel(
      `runs:/${run.info.run_id}/model`,
      'sdk-chain',
    );
    const second = await client.registry.registerModel(
      `runs:/${run.info.run_id}/model`,
      'sdk-chain',
    );
    expect([first.version, second.version]).toEqual(['1', '2']);
    await client.registry.setRegisteredModelAlias('sdk-chain', 'champion', '1');
    expect((await client.registry.resolveModelUri('models:/sdk-chain@champion')).version).toBe('1');
  });
});
