// MLflow's run, metric, param and tag RPCs (service.proto), with exact error codes and statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';
import { wireClient } from './support/wire-client.js';

const api2 = '/api/2.0/mlflow';

describe.each(compatBackends())('runs REST API on %s', (backend) => {
  let server: LiveServer;
  let api: ReturnType<typeof wireClient>;
  let experimentId: string;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    api = wireClient(server.baseUrl);
    experimentId = (await api.post(`${api2}/experiments/create`, { name: 'runs-suite' })).json
      .experiment_id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const createRun = async (body: Record<string, unknown> = {}) => {
    const reply = await api.post(`${api2}/runs/create`, {
      experiment_id: experimentId,
      start_time: 1_700_000_000_000,
      ...body,
    });
    expect(reply.status).toBe(200);
    return reply.json.run;
  };

  it('creates a run with MLflow defaults: RUNNING, a generated name, artifact_uri, run_uuid', async () => {
    const run = await createRun({ tags: [{ key: 'mlflow.user', value: 'alice' }] });
    expect(run.info).toMatchObject({
      experiment_id: experimentId,
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
    });
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info.run_uuid).toBe(run.info.run_id);
    expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(run.info.artifact_uri).toMatch(
      new RegExp(`${experimentId}/${run.info.run_id}/artifacts$`),
    );
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: run.info.run_name });
    expect(run.data.tags).toContainEqual({ key: 'mlflow.user', value: 'alice' });
  });

  it('takes run_name or the mlflow.runName tag, and refuses both when they differ', async () => {
    expect((await createRun({ run_name: 'named' })).info.run_name).toBe('named');
    const viaTag = await createRun({ tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
    expect(viaTag.info.run_name).toBe('tagged');
    const both = await api.post(`${api2}/runs/create`, {
      experiment_id: experimentId,
      run_name: 'one',
      tags: [{ key: 'mlflow.runName', value: 'two' }],
    });
    expect(both.status).toBe(400);
    expect(both.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('refuses runs in unknown or deleted experiments', async () => {
    const unknown = await api.post(`${api2}/runs/create`, { experiment_id: '424242' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const { json } = await api.post(`${api2}/experiments/create`, { name: 'gone' });
    await api.post(`${api2}/experiments/delete`, { experiment_id: json.experiment_id });
    const deleted = await api.post(`${api2}/runs/create`, { experiment_id: json.experiment_id });
    expect(deleted.status).toBe(400);
    expect(deleted.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(deleted.json.message).toContain("must be in the 'active' state");
  });

  it('gets a run by run_id or run_uuid, and answers 404 for an unknown one', async () => {
    const run = await createRun();
    for (const params of [{ run_id: run.info.run_id }, { run_uuid: run.info.run_id }]) {
      const reply = await api.get(`${api2}/runs/get`, params);
      expect(reply.status).toBe(200);
      expect(reply.json.run.info.run_id).toBe(run.info.run_id);
    }
    const unknown = await api.get(`${api2}/runs/get`, { run_id: 'f'.repeat(32) });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Run with id=${'f'.repeat(32)} not found`,
    });
    const none = await api.get(`${api2}/runs/get`);
    expect(none.status).toBe(400);
    expect(none.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('updates only the fields sent', async () => {
    const run = await createRun({ run_name: 'before' });
    const reply = await api.post(`${api2}/runs/update`, {
      run_id: run.info.run_id,
      status: 'FINISHED',
      end_time: 1_700_000_100_000,
    });
    expect(reply.status).toBe(200);
    expect(reply.json.run_info).toMatchObject({
      run_id: run.info.run_id,
      status: 'FINISHED',
      end_time: 1_700_000_100_000,
      run_name: 'before',
    });
    const renamed = await api.post(`${api2}/runs/update`, {
      run_id: run.info.run_id,
      run_name: 'after',
    });
    expect(renamed.json.run_info).toMatchObject({ status: 'FINISHED', run_name: 'after' });
    const fetched = await api.get(`${api2}/runs/get`, { run_id: run.info.run_id });
    expect(fetched.json.run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'after' });
  });

  it('logs metrics, keeps the latest per key, and returns the whole history', async () => {
    const runId = (await createRun()).info.run_id;
    const points = [
      { value: 0.5, timestamp: 1000, step: 0 },
      { value: 0.7, timestamp: 2000, step: 1 },
      { value: 0.6, timestamp: 3000, step: 2 },
    ];
    for (const point of points) {
      const reply = await api.post(`${api2}/runs/log-metric`, {
        run_id: runId,
        key: 'acc',
        ...point,
      });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({});
    }
    // The step defaults to 0 when absent.
    await api.post(`${api2}/runs/log-metric`, {
      run_id: runId,
      key: 'loss',
      value: 2,
      timestamp: 5,
    });
    const run = (await api.get(`${api2}/runs/get`, { run_id: runId })).json.run;
    expect(run.data.metrics).toContainEqual({ key: 'acc', value: 0.6, timestamp: 3000, step: 2 });
    expect(run.data.metrics).toContainEqual({ key: 'loss', value: 2, timestamp: 5, step: 0 });

    const history = await api.get(`${api2}/metrics/get-history`, {
      run_id: runId,
      metric_key: 'acc',
    });
    expect(history.status).toBe(200);
    expect(history.json.metrics).toEqual(points.map((point) => ({ key: 'acc', ...point })));
  });

  it('stores NaN and infinities and sends them back as strings', async () => {
    const runId = (await createRun()).info.run_id;
    for (const [step, value] of ['NaN', 'Infinity', '-Infinity'].entries()) {
      const reply = await api.post(`${api2}/runs/log-metric`, {
        run_id: runId,
        key: 'odd',
        value,
        timestamp: 10,
        step,
      });
      expect(reply.status).toBe(200);
    }
    const history = await api.get(`${api2}/metrics/get-history`, {
      run_id: runId,
      metric_key: 'odd',
    });
    expect(history.json.metrics.map((metric: { value: unknown }) => metric.value)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });

  it('rejects metrics without a value or timestamp, and for unknown runs', async () => {
    const runId = (await createRun()).info.run_id;
    const noValue = await api.post(`${api2}/runs/log-metric`, {
      run_id: runId,
      key: 'a',
      timestamp: 1,
    });
    expect(noValue.status).toBe(400);
    expect(noValue.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const noTimestamp = await api.post(`${api2}/runs/log-metric`, {
      run_id: runId,
      key: 'a',
      value: 1,
    });
    expect(noTimestamp.status).toBe(400);
    const text = await api.post(`${api2}/runs/log-metric`, {
      run_id: runId,
      key: 'a',
      value: 'abc',
      timestamp: 1,
    });
    expect(text.status).toBe(400);
    expect(text.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const unknown = await api.post(`${api2}/runs/log-metric`, {
      run_id: 'e'.repeat(32),
      key: 'a',
      value: 1,
      timestamp: 1,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('logs params once: the same value again is fine, a different one is refused', async () => {
    const runId = (await createRun()).info.run_id;
    const log = (value: string) =>
      api.post(`${api2}/runs/log-parameter`, { run_id: runId, key: 'lr', value });
    expect((await log('0.1')).status).toBe(200);
    expect((await log('0.1')).status).toBe(200);
    const changed = await log('0.2');
    expect(changed.status).toBe(400);
    expect(changed.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'.`,
    });
    const badKey = await api.post(`${api2}/runs/log-parameter`, {
      run_id: runId,
      key: '../escape',
      value: 'x',
    });
    expect(badKey.status).toBe(400);
    expect(badKey.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('sets, overwrites and deletes tags', async () => {
    const runId = (await createRun()).info.run_id;
    await api.post(`${api2}/runs/set-tag`, { run_id: runId, key: 'stage', value: 'a' });
    await api.post(`${api2}/runs/set-tag`, { run_id: runId, key: 'stage', value: 'b' });
    let tags = (await api.get(`${api2}/runs/get`, { run_id: runId })).json.run.data.tags;
    expect(tags).toContainEqual({ key: 'stage', value: 'b' });
    const deleted = await api.post(`${api2}/runs/delete-tag`, { run_id: runId, key: 'stage' });
    expect(deleted.status).toBe(200);
    tags = (await api.get(`${api2}/runs/get`, { run_id: runId })).json.run.data.tags;
    expect(tags.map((tag: { key: string }) => tag.key)).not.toContain('stage');
    const again = await api.post(`${api2}/runs/delete-tag`, { run_id: runId, key: 'stage' });
    expect(again.status).toBe(404);
    expect(again.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('logs a batch of metrics, params and tags, and enforces the batch limits', async () => {
    const runId = (await createRun()).info.run_id;
    const reply = await api.post(`${api2}/runs/log-batch`, {
      run_id: runId,
      metrics: [
        { key: 'm', value: 1, timestamp: 1, step: 0 },
        { key: 'm', value: 2, timestamp: 2, step: 1 },
      ],
      params: [{ key: 'p', value: 'v' }],
      tags: [
        { key: 't', value: 'first' },
        { key: 't', value: 'last' },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({});
    const run = (await api.get(`${api2}/runs/get`, { run_id: runId })).json.run;
    expect(run.data.params).toEqual([{ key: 'p', value: 'v' }]);
    expect(run.data.tags).toContainEqual({ key: 't', value: 'last' });
    expect(run.data.metrics).toEqual([{ key: 'm', value: 2, timestamp: 2, step: 1 }]);

    const tooMany = await api.post(`${api2}/runs/log-batch`, {
      run_id: runId,
      metrics: Array.from({ length: 1001 }, (_, step) => ({
        key: 'x',
        value: 1,
        timestamp: 1,
        step,
      })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
    });
    const duplicateParams = await api.post(`${api2}/runs/log-batch`, {
      run_id: runId,
      params: [
        { key: 'd', value: '1' },
        { key: 'd', value: '2' },
      ],
    });
    expect(duplicateParams.status).toBe(400);
    expect(duplicateParams.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const missingKey = await api.post(`${api2}/runs/log-batch`, {
      run_id: runId,
      metrics: [{ value: 1, timestamp: 1 }],
    });
    expect(missingKey.status).toBe(400);
    expect(missingKey.json.message).toContain('metrics[0].key');
  });

  it('deletes and restores runs, refusing writes while deleted', async () => {
    const runId = (await createRun()).info.run_id;
    expect((await api.post(`${api2}/runs/delete`, { run_id: runId })).status).toBe(200);
    const fetched = await api.get(`${api2}/runs/get`, { run_id: runId });
    expect(fetched.json.run.info.lifecycle_stage).toBe('deleted');
    const write = await api.post(`${api2}/runs/log-metric`, {
      run_id: runId,
      key: 'a',
      value: 1,
      timestamp: 1,
    });
    expect(write.status).toBe(400);
    expect(write.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `The run ${runId} must be in the 'active' state. Current state is deleted.`,
    });
    expect((await api.post(`${api2}/runs/restore`, { run_id: runId })).status).toBe(200);
    const restored = await api.get(`${api2}/runs/get`, { run_id: runId });
    expect(restored.json.run.info.lifecycle_stage).toBe('active');
  });

  it('logs dataset inputs and returns them on the run', async () => {
    const runId = (await createRun()).info.run_id;
    const reply = await api.post(`${api2}/runs/log-inputs`, {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'iris',
            digest: 'abc123',
            source_type: 'local',
            source: '{"uri": "/d"}',
          },
        },
      ],
    });
    expect(reply.status).toBe(200);
    const run = (await api.get(`${api2}/runs/get`, { run_id: runId })).json.run;
    expect(run.inputs.dataset_inputs).toEqual([
      {
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
        dataset: { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "/d"}' },
      },
    ]);
  });

  it('searches runs with filter, order_by, view type and pages', async () => {
    const { json } = await api.post(`${api2}/experiments/create`, { name: 'search-runs' });
    const searchExperiment = json.experiment_id;
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const run = (
        await api.post(`${api2}/runs/create`, {
          experiment_id: searchExperiment,
          run_name: `r${index}`,
          start_time: 1000 + index,
        })
      ).json.run;
      ids.push(run.info.run_id);
      await api.post(`${api2}/runs/log-batch`, {
        run_id: run.info.run_id,
        metrics: [{ key: 'score', value: index / 10, timestamp: 1, step: 0 }],
        params: [{ key: 'kind', value: index % 2 === 0 ? 'even' : 'odd' }],
      });
    }
    const search = (body: Record<string, unknown>) =>
      api.post(`${api2}/runs/search`, { experiment_ids: [searchExperiment], ...body });
    const names = (reply: { json: { runs?: { info: { run_name: string } }[] } }) =>
      (reply.json.runs ?? []).map((run) => run.info.run_name);

    expect(names(await search({}))).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    const filtered = await search({
      filter: "metrics.score > 0.05 and params.kind = 'even'",
      order_by: ['metrics.score DESC'],
    });
    expect(filtered.status).toBe(200);
    expect(names(filtered)).toEqual(['r4', 'r2']);
    expect(
      names(
        await search({
          filter: "attributes.run_name LIKE 'r%'",
          order_by: ['attributes.run_name ASC'],
          max_results: 2,
        }),
      ),
    ).toEqual(['r0', 'r1']);

    const page1 = await search({ max_results: 3 });
    expect(names(page1)).toEqual(['r4', 'r3', 'r2']);
    const page2 = await search({ max_results: 3, page_token: page1.json.next_page_token });
    expect(names(page2)).toEqual(['r1', 'r0']);
    expect(page2.json.next_page_token).toBeUndefined();

    await api.post(`${api2}/runs/delete`, { run_id: ids[0] });
    expect(names(await search({ run_view_type: 'DELETED_ONLY' }))).toEqual(['r0']);
    expect(names(await search({ run_view_type: 'ALL' }))).toHaveLength(5);
    expect(names(await search({}))).toHaveLength(4);

    const tooMany = await search({ max_results: 50_001 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badFilter = await search({ filter: 'metrics.score >> 1' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const orFilter = await search({ filter: 'metrics.score > 1 or metrics.score < 0' });
    expect(orFilter.status).toBe(400);
  });

  it('serves metric history in bulk for the UI', async () => {
    const first = (await createRun()).info.run_id;
    const second = (await createRun()).info.run_id;
    for (const runId of [first, second]) {
      await api.post(`${api2}/runs/log-batch`, {
        run_id: runId,
        metrics: [0, 1, 2].map((step) => ({ key: 'loss', value: step, timestamp: step, step })),
      });
    }
    const interval = await api.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', {
      run_ids: [first, second],
      metric_key: 'loss',
      max_results: '2500',
    });
    expect(interval.status).toBe(200);
    expect(interval.json.metrics).toHaveLength(6);
    expect(interval.json.metrics[0]).toMatchObject({ key: 'loss', run_id: expect.any(String) });
    const bounded = await api.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', {
      run_ids: [first],
      metric_key: 'loss',
      start_step: '1',
      end_step: '2',
    });
    expect(bounded.json.metrics.map((metric: { step: number }) => metric.step)).toEqual([1, 2]);
    const oneSided = await api.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval', {
      run_ids: [first],
      metric_key: 'loss',
      start_step: '1',
    });
    expect(oneSided.status).toBe(400);
    expect(oneSided.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
