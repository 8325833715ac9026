// MLflow's wire conventions (reference §1.0) and every tracking RPC under both URL prefixes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';
import { type QueryParams, wireClient } from './support/wire-client.js';

describe.each(compatBackends())('wire conventions on %s', (backend) => {
  let server: LiveServer;
  let api: ReturnType<typeof wireClient>;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    api = wireClient(server.baseUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves every tracking RPC under /api/2.0/mlflow and /ajax-api/2.0/mlflow', async () => {
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
      const call = async (method: 'GET' | 'POST', path: string, input: Record<string, unknown>) => {
        const reply =
          method === 'GET'
            ? await api.get(`${prefix}${path}`, input as QueryParams)
            : await api.post(`${prefix}${path}`, input);
        expect(reply.status, `${method} ${prefix}${path}: ${reply.text}`).toBe(200);
        expect(reply.contentType, `${prefix}${path}`).toMatch(/^application\/json/);
        return reply.json;
      };
      const name = `every-rpc-${prefix.length}`;
      const { experiment_id } = await call('POST', '/experiments/create', { name });
      await call('GET', '/experiments/get', { experiment_id });
      await call('GET', '/experiments/get-by-name', { experiment_name: name });
      await call('POST', '/experiments/search', { max_results: 10 });
      await call('GET', '/experiments/search', { max_results: 10 });
      await call('POST', '/experiments/update', { experiment_id, new_name: `${name}-x` });
      await call('POST', '/experiments/set-experiment-tag', {
        experiment_id,
        key: 'k',
        value: 'v',
      });
      await call('POST', '/experiments/delete-experiment-tag', { experiment_id, key: 'k' });
      const { run } = await call('POST', '/runs/create', { experiment_id });
      const run_id = run.info.run_id;
      await call('GET', '/runs/get', { run_id });
      await call('POST', '/runs/update', { run_id, status: 'RUNNING' });
      await call('POST', '/runs/log-metric', { run_id, key: 'm', value: 1, timestamp: 1 });
      await call('POST', '/runs/log-parameter', { run_id, key: 'p', value: 'v' });
      await call('POST', '/runs/set-tag', { run_id, key: 't', value: 'v' });
      await call('POST', '/runs/delete-tag', { run_id, key: 't' });
      await call('POST', '/runs/log-batch', { run_id, metrics: [], params: [], tags: [] });
      await call('POST', '/runs/log-inputs', { run_id, datasets: [] });
      await call('POST', '/runs/search', { experiment_ids: [experiment_id] });
      await call('GET', '/metrics/get-history', { run_id, metric_key: 'm' });
      await call('GET', '/metrics/get-history-bulk-interval', {
        run_ids: [run_id],
        metric_key: 'm',
      });
      await call('GET', '/artifacts/list', { run_id });
      await call('POST', '/runs/delete', { run_id });
      await call('POST', '/runs/restore', { run_id });
      await call('POST', '/experiments/delete', { experiment_id });
      await call('POST', '/experiments/restore', { experiment_id });
    }
  });

  // Server gap (reported by H5): POST runs/log-model answers 404; unskip once it is served.
  it.skip('records a logged model in the mlflow.log-model.history tag', async () => {
    const { experiment_id } = (
      await api.post('/api/2.0/mlflow/experiments/create', { name: 'models' })
    ).json;
    const runId = (await api.post('/api/2.0/mlflow/runs/create', { experiment_id })).json.run.info
      .run_id;
    const model = {
      artifact_path: 'model',
      flavors: { python_function: { loader_module: 'mlflow.sklearn' } },
      utc_time_created: '2024-01-01 00:00:00.000000',
      run_id: runId,
    };
    const reply = await api.post('/api/2.0/mlflow/runs/log-model', {
      run_id: runId,
      model_json: JSON.stringify(model),
    });
    expect(reply.status).toBe(200);
    const tags = (await api.get('/api/2.0/mlflow/runs/get', { run_id: runId })).json.run.data.tags;
    const history = tags.find((tag: { key: string }) => tag.key === 'mlflow.log-model.history');
    expect(JSON.parse(history.value)).toEqual([
      expect.objectContaining({ artifact_path: 'model' }),
    ]);
    const missing = await api.post('/api/2.0/mlflow/runs/log-model', { run_id: runId });
    expect(missing.status).toBe(400);
    expect(missing.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  // Server gap (reported by H5): POST /ajax-api/2.0/mlflow/experiments/search-datasets answers
  // 404; unskip once it is served.
  it.skip('summarises an experiment’s logged datasets for the UI (ajax only)', async () => {
    const { experiment_id } = (
      await api.post('/api/2.0/mlflow/experiments/create', { name: 'datasets' })
    ).json;
    const runId = (await api.post('/api/2.0/mlflow/runs/create', { experiment_id })).json.run.info
      .run_id;
    await api.post('/api/2.0/mlflow/runs/log-inputs', {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
          dataset: { name: 'qa', digest: 'd1', source_type: 'local', source: '{}' },
        },
      ],
    });
    const reply = await api.post('/ajax-api/2.0/mlflow/experiments/search-datasets', {
      experiment_ids: [experiment_id],
    });
    expect(reply.status).toBe(200);
    expect(reply.json.dataset_summaries).toEqual([
      { experiment_id, name: 'qa', digest: 'd1', context: 'eval' },
    ]);
  });

  it('serves the UI’s bulk metric history (non-proto, ajax only)', async () => {
    const { experiment_id } = (
      await api.post('/api/2.0/mlflow/experiments/create', { name: 'bulk' })
    ).json;
    const runIds: string[] = [];
    for (let index = 0; index < 2; index++) {
      const runId = (await api.post('/api/2.0/mlflow/runs/create', { experiment_id })).json.run.info
        .run_id;
      runIds.push(runId);
      await api.post('/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics: [0, 1].map((step) => ({ key: 'loss', value: step, timestamp: step, step })),
      });
    }
    const reply = await api.get('/ajax-api/2.0/mlflow/metrics/get-history-bulk', {
      run_id: runIds,
      metric_key: 'loss',
    });
    expect(reply.status).toBe(200);
    expect(reply.json.metrics).toHaveLength(4);
    expect(new Set(reply.json.metrics.map((metric: { run_id: string }) => metric.run_id))).toEqual(
      new Set(runIds),
    );
  });

  it('accepts int64 fields as strings, ignores unknown fields, and takes double-encoded bodies', async () => {
    const { experiment_id } = (
      await api.post('/api/2.0/mlflow/experiments/create', { name: 'wire' })
    ).json;
    const created = await api.post('/api/2.0/mlflow/runs/create', {
      experiment_id,
      start_time: '1700000000000',
      some_future_field: { nested: true },
    });
    expect(created.status).toBe(200);
    expect(created.json.run.info.start_time).toBe(1_700_000_000_000);
    const runId = created.json.run.info.run_id;
    const logged = await api.post('/api/2.0/mlflow/runs/log-metric', {
      run_id: runId,
      key: 'm',
      value: '0.5',
      timestamp: '42',
      step: '7',
    });
    expect(logged.status).toBe(200);
    const history = await api.get('/api/2.0/mlflow/metrics/get-history', {
      run_id: runId,
      metric_key: 'm',
    });
    expect(history.json.metrics).toEqual([{ key: 'm', value: 0.5, timestamp: 42, step: 7 }]);

    const doubleEncoded = await api.send('POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(JSON.stringify({ name: 'double-encoded' })),
    });
    expect(doubleEncoded.status).toBe(200);
    expect(typeof doubleEncoded.json.experiment_id).toBe('string');

    const withCharset = await api.send('POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'with-charset' }),
    });
    expect(withCharset.status).toBe(200);
  });

  it('treats an empty JSON body as an empty request', async () => {
    const reply = await api.send('POST', '/api/2.0/mlflow/experiments/search', {
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(reply.status).toBe(200);
    expect(reply.json.experiments.map((experiment: { name: string }) => experiment.name)).toContain(
      'Default',
    );
    const missing = await api.send('POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'application/json' },
      body: '',
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('never answers 5xx for malformed input', async () => {
    const probes: [string, unknown][] = [
      ['/runs/log-batch', { run_id: 'x', metrics: 'not-a-list' }],
      ['/runs/log-batch', { run_id: 'x', metrics: [null] }],
      ['/runs/create', { experiment_id: { id: 1 } }],
      ['/runs/search', { experiment_ids: 'not-a-list', max_results: 'ten' }],
      ['/runs/search', { experiment_ids: ['0'], order_by: ['metrics.`unclosed'] }],
      ['/experiments/search', { view_type: 'SOMETIMES' }],
      ['/runs/update', { run_id: 'x', status: 'DANCING' }],
      ['/runs/log-metric', { run_id: 'x', key: 'k', value: true, timestamp: 1 }],
      ['/experiments/create', ['not', 'an', 'object']],
    ];
    for (const [path, body] of probes) {
      const reply = await api.post(`/api/2.0/mlflow${path}`, body);
      expect(reply.status, `${path} ${JSON.stringify(body)}: ${reply.text}`).toBeGreaterThanOrEqual(
        400,
      );
      expect(reply.status, `${path} ${JSON.stringify(body)}: ${reply.text}`).toBeLessThan(500);
      expect(typeof reply.json?.error_code, `${path}: ${reply.text}`).toBe('string');
    }
  });
});
