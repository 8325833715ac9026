// The third-party `mlflow` npm package (an MLflow REST client for Node) against a live Cairn server.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

// The package is CommonJS whose module.exports is the client class itself.
const MLflow = createRequire(import.meta.url)('mlflow') as typeof import('mlflow').default;
type Client = InstanceType<typeof MLflow>;

/** The package throws `Error("Error: {status, statusText, data}")`; this digs the reply out. */
async function failure(promise: Promise<unknown>): Promise<{
  status: number;
  data: { error_code?: string; message?: string } | null;
}> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: Error) => caught,
  );
  return JSON.parse(error.message.replace(/^Error: /, ''));
}

describe.each(compatBackends())('the `mlflow` npm client on %s', (backend) => {
  let server: LiveServer;
  let client: Client;
  beforeAll(async () => {
    // The package logs every POST body to the console; keep test output readable.
    vi.spyOn(console, 'log').mockImplementation(() => {});
    server = await startLiveServer(backend);
    client = new MLflow({ endpoint: server.baseUrl });
  });
  // The package's types make artifact_location required; MLflow lets the server choose it, and
  // JSON.stringify leaves the undefined field out of the body.
  const createExperiment = ({ name }: { name: string }) =>
    client.Experiments.create({ name, artifact_location: undefined as unknown as string });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
  });

  it('creates, gets, renames, deletes and restores experiments', async () => {
    const { Experiments } = client;
    const { experiment_id } = await createExperiment({ name: 'npm-exp' });
    expect(typeof experiment_id).toBe('string');
    const { experiment } = await Experiments.get({ experiment_id });
    expect(experiment).toMatchObject({ experiment_id, name: 'npm-exp', lifecycle_stage: 'active' });

    await Experiments.update({ experiment_id, new_name: 'npm-exp-renamed' });
    expect((await Experiments.get({ experiment_id })).experiment.name).toBe('npm-exp-renamed');
    await Experiments.delete({ experiment_id });
    expect((await Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('deleted');
    await Experiments.restore({ experiment_id });
    expect((await Experiments.get({ experiment_id })).experiment.lifecycle_stage).toBe('active');

    const duplicate = await failure(createExperiment({ name: 'npm-exp-renamed' }));
    expect(duplicate.status).toBe(400);
    expect(duplicate.data?.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const unknown = await failure(Experiments.get({ experiment_id: '99999' }));
    expect(unknown.status).toBe(404);
    expect(unknown.data?.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('logs params, metrics, tags and batches, and reads them back', async () => {
    const { experiment_id } = await createExperiment({ name: 'npm-runs' });
    const { Runs, Metrics } = client;
    const { run } = await Runs.create({ experiment_id, user_id: 'bob', start_time: 1_000 });
    const run_id = run.info.run_id;
    expect(run.info).toMatchObject({ status: 'RUNNING', user_id: 'bob', start_time: 1_000 });

    await Runs.logParameter({ run_id, key: 'model', value: 'gpt-4' });
    for (let step = 0; step < 3; step++) {
      await Runs.logMetric({
        run_id,
        key: 'loss',
        value: 1 / (step + 1),
        timestamp: 10 + step,
        step,
      });
    }
    await Runs.setTag({ run_id, key: 'team', value: 'search' });
    await Runs.setTag({ run_id, key: 'temp', value: 'x' });
    await Runs.deleteTag({ run_id, key: 'temp' });
    await Runs.logBatch({
      run_id,
      metrics: [{ key: 'acc', value: 0.9, timestamp: 20, step: 0 }],
      params: [{ key: 'temperature', value: '0.2' }],
      tags: [{ key: 'stage', value: 'eval' }],
    });

    const fetched = (await Runs.get({ run_id })).run;
    expect(fetched.data.params).toEqual(
      expect.arrayContaining([
        { key: 'model', value: 'gpt-4' },
        { key: 'temperature', value: '0.2' },
      ]),
    );
    expect(fetched.data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'loss', value: 1 / 3, timestamp: 12, step: 2 },
        { key: 'acc', value: 0.9, timestamp: 20, step: 0 },
      ]),
    );
    const tagKeys = (fetched.data.tags ?? []).map((tag: { key: string }) => tag.key);
    expect(tagKeys).toEqual(expect.arrayContaining(['team', 'stage']));
    expect(tagKeys).not.toContain('temp');

    const { metrics } = await Metrics.getHistory({ run_id, metric_key: 'loss' });
    expect(metrics.map((metric: { value: number }) => metric.value)).toEqual([1, 1 / 2, 1 / 3]);

    const changed = await failure(Runs.logParameter({ run_id, key: 'model', value: 'other' }));
    expect(changed.status).toBe(400);
    expect(changed.data?.error_code).toBe('INVALID_PARAMETER_VALUE');

    const ended = await Runs.update({ run_id, status: 'FINISHED' as never, end_time: 2_000 });
    expect(ended.run_info).toMatchObject({ status: 'FINISHED', end_time: 2_000 });
  });

  it('searches runs with a filter and order, and deletes and restores them', async () => {
    const { experiment_id } = await createExperiment({ name: 'npm-search' });
    const { Runs } = client;
    const ids: string[] = [];
    for (let index = 0; index < 4; index++) {
      const { run } = await Runs.create({ experiment_id, user_id: 'bob', start_time: 100 + index });
      ids.push(run.info.run_id);
      await Runs.logBatch({
        run_id: run.info.run_id,
        metrics: [{ key: 'score', value: index, timestamp: 1, step: 0 }],
        params: [{ key: 'group', value: index < 2 ? 'a' : 'b' }],
      });
    }
    const found = await Runs.search({
      experiment_ids: [experiment_id],
      filter: "params.group = 'b' and metrics.score >= 2",
      order_by: ['metrics.score ASC'],
    });
    expect(found.runs.map((run) => run.info.run_id)).toEqual([ids[2], ids[3]]);

    const page = await Runs.search({ experiment_ids: [experiment_id], max_results: 3 });
    expect(page.runs).toHaveLength(3);
    const rest = await Runs.search({
      experiment_ids: [experiment_id],
      max_results: 3,
      page_token: page.next_page_token,
    });
    expect(rest.runs.map((run) => run.info.run_id)).toEqual([ids[0]]);

    await Runs.delete({ run_id: ids[0]! });
    const active = await Runs.search({ experiment_ids: [experiment_id] });
    expect(active.runs).toHaveLength(3);
    const deleted = await Runs.search({
      experiment_ids: [experiment_id],
      run_view_type: 'DELETED_ONLY' as never,
    });
    expect(deleted.runs.map((run) => run.info.run_id)).toEqual([ids[0]]);
    await Runs.restore({ run_id: ids[0]! });
    expect((await Runs.search({ experiment_ids: [experiment_id] })).runs).toHaveLength(4);

    const badFilter = await failure(
      Runs.search({ experiment_ids: [experiment_id], filter: 'nonsense >' }),
    );
    expect(badFilter.status).toBe(400);
    expect(badFilter.data?.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('lists a run’s (empty) artifact root', async () => {
    const { experiment_id } = await createExperiment({ name: 'npm-artifacts' });
    const { run } = await client.Runs.create({ experiment_id, user_id: 'bob', start_time: 1 });
    const listing = await client.Artifacts.list({
      run_id: run.info.run_id,
      path: undefined as never,
    });
    expect(listing.root_uri).toBe(run.info.artifact_uri);
    expect(listing.files ?? []).toEqual([]);
  });

  it('gets 404 for the two calls MLflow 2.x itself no longer serves', async () => {
    // experiments/list was removed in MLflow 2.0 (use experiments/search), and the package's
    // setExperimentTag builds a path without a slash (".../experimentsset-experiment-tag").
    expect((await failure(client.Experiments.list())).status).toBe(404);
    expect(
      (
        await failure(
          client.Experiments.setExperimentTag({ experiment_id: '0', key: 'k', value: 'v' }),
        )
      ).status,
    ).toBe(404);
  });
});
