// Replays, request for request, what MLflow's official Python client (rest_store.py and
// http_artifact_repo.py, MLflow 2.x) sends for a typical `mlflow.start_run()` session, since
// the Python package itself cannot be installed here. Bodies are what its message_to_json emits:
// snake_case, int64 as numbers, enums by name, unset fields left out, set-but-empty strings kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';
import { rawRequest, wireClient } from './support/wire-client.js';

const api2 = '/api/2.0/mlflow';
const artifactsApi = '/api/2.0/mlflow-artifacts/artifacts';

describe.each(compatBackends())('the MLflow Python client wire protocol on %s', (backend) => {
  let server: LiveServer;
  let api: ReturnType<typeof wireClient>;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    api = wireClient(server.baseUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('mlflow.set_experiment + start_run + log_* + end_run', async () => {
    // set_experiment: get-by-name (404 means "create it"), then create, then get.
    const lookup = await api.get(`${api2}/experiments/get-by-name`, { experiment_name: 'py-exp' });
    expect(lookup.status).toBe(404);
    expect(lookup.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const created = await api.post(`${api2}/experiments/create`, { name: 'py-exp', tags: [] });
    expect(created.status).toBe(200);
    const experimentId = created.json.experiment_id;
    const fetched = await api.get(`${api2}/experiments/get`, { experiment_id: experimentId });
    expect(fetched.json.experiment.name).toBe('py-exp');

    // start_run: create-run with the context tags the fluent API resolves; no run_name.
    const start = await api.post(`${api2}/runs/create`, {
      experiment_id: experimentId,
      user_id: 'alice',
      start_time: 1_717_000_000_123,
      tags: [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.source.name', value: 'train.py' },
        { key: 'mlflow.source.type', value: 'LOCAL' },
      ],
    });
    expect(start.status).toBe(200);
    const info = start.json.run.info;
    expect(info).toMatchObject({
      user_id: 'alice',
      status: 'RUNNING',
      experiment_id: experimentId,
    });
    const runId: string = info.run_id;

    // log_param / log_metric / set_tag send run_uuid alongside run_id.
    const ok = async (path: string, body: unknown) => {
      const reply = await api.post(`${api2}${path}`, body);
      expect(reply.status, `${path}: ${reply.text}`).toBe(200);
      expect(reply.json).toEqual({});
    };
    await ok('/runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'alpha', value: '0.5' });
    await ok('/runs/log-metric', {
      run_id: runId,
      run_uuid: runId,
      key: 'rmse',
      value: 0.78,
      timestamp: 1_717_000_001_000,
      step: 0,
    });
    await ok('/runs/log-metric', {
      run_id: runId,
      run_uuid: runId,
      key: 'rmse',
      value: 'NaN',
      timestamp: 1_717_000_002_000,
      step: 1,
    });
    await ok('/runs/set-tag', { run_id: runId, run_uuid: runId, key: 'phase', value: 'train' });
    await ok('/runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'r2', value: 0.25, timestamp: 1_717_000_003_000, step: 0 }],
      params: [{ key: 'l1_ratio', value: '0.1' }],
      tags: [],
    });
    await ok('/experiments/set-experiment-tag', {
      experiment_id: experimentId,
      key: 'owner',
      value: 'alice',
    });
    await ok('/runs/delete-tag', { run_id: runId, key: 'phase' });

    // end_run: update with run_uuid and run_id, no run_name.
    const end = await api.post(`${api2}/runs/update`, {
      run_uuid: runId,
      run_id: runId,
      status: 'FINISHED',
      end_time: 1_717_000_009_000,
    });
    expect(end.status).toBe(200);
    expect(end.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_717_000_009_000 });

    // get_run: GET with both run_uuid and run_id in the query string.
    const run = await api.get(`${api2}/runs/get`, { run_uuid: runId, run_id: runId });
    expect(run.status).toBe(200);
    expect(run.json.run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'alpha', value: '0.5' },
        { key: 'l1_ratio', value: '0.1' },
      ]),
    );
    expect(run.json.run.data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'rmse', value: 'NaN', timestamp: 1_717_000_002_000, step: 1 },
        { key: 'r2', value: 0.25, timestamp: 1_717_000_003_000, step: 0 },
      ]),
    );
    const tagKeys = run.json.run.data.tags.map((tag: { key: string }) => tag.key);
    expect(tagKeys).toEqual(expect.arrayContaining(['mlflow.user', 'mlflow.runName']));
    expect(tagKeys).not.toContain('phase');

    // get_metric_history: GET with run_uuid, run_id, metric_key and the client's page size.
    const history = await api.get(`${api2}/metrics/get-history`, {
      run_uuid: runId,
      run_id: runId,
      metric_key: 'rmse',
      max_results: 25000,
    });
    expect(history.status).toBe(200);
    expect(history.json.metrics).toEqual([
      { key: 'rmse', value: 0.78, timestamp: 1_717_000_001_000, step: 0 },
      { key: 'rmse', value: 'NaN', timestamp: 1_717_000_002_000, step: 1 },
    ]);
    expect(history.json.next_page_token).toBeUndefined();

    // search_runs: POST with the client's defaults, including the empty filter string.
    const search = await api.post(`${api2}/runs/search`, {
      experiment_ids: [experimentId],
      filter: '',
      run_view_type: 'ACTIVE_ONLY',
      max_results: 1000,
      order_by: [],
    });
    expect(search.status).toBe(200);
    expect(
      search.json.runs.map((found: { info: { run_id: string } }) => found.info.run_id),
    ).toEqual([runId]);
    const filtered = await api.post(`${api2}/runs/search`, {
      experiment_ids: [experimentId],
      filter: "params.alpha = '0.5' and metrics.r2 < 0.5 and tags.`mlflow.source.type` = 'LOCAL'",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 1000,
      order_by: ['metrics.r2 DESC', 'attributes.start_time ASC'],
    });
    expect(filtered.json.runs).toHaveLength(1);

    // search_experiments: POST, view type by name.
    const experiments = await api.post(`${api2}/experiments/search`, {
      view_type: 'ACTIVE_ONLY',
      max_results: 1000,
    });
    expect(
      experiments.json.experiments.map((experiment: { name: string }) => experiment.name),
    ).toEqual(expect.arrayContaining(['py-exp', 'Default']));
  });

  it('pages metric history the way the client loops over next_page_token', async () => {
    const experimentId = (await api.post(`${api2}/experiments/create`, { name: 'py-paging' })).json
      .experiment_id;
    const runId = (await api.post(`${api2}/runs/create`, { experiment_id: experimentId })).json.run
      .info.run_id;
    await api.post(`${api2}/runs/log-batch`, {
      run_id: runId,
      metrics: Array.from({ length: 7 }, (_, step) => ({
        key: 'k',
        value: step,
        timestamp: step,
        step,
      })),
    });
    const steps: number[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const reply = await api.get(`${api2}/metrics/get-history`, {
        run_uuid: runId,
        run_id: runId,
        metric_key: 'k',
        max_results: 3,
        page_token: pageToken,
      });
      expect(reply.status).toBe(200);
      steps.push(...reply.json.metrics.map((metric: { step: number }) => metric.step));
      pageToken = reply.json.next_page_token;
      pages++;
    } while (pageToken && pages < 10);
    expect(steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pages).toBe(3);
  });

  it('log_artifact / list_artifacts / download_artifacts through the proxy', async () => {
    const experimentId = (await api.post(`${api2}/experiments/create`, { name: 'py-artifacts' }))
      .json.experiment_id;
    const run = (await api.post(`${api2}/runs/create`, { experiment_id: experimentId })).json.run;
    const runId: string = run.info.run_id;
    // The client maps mlflow-artifacts:/<exp>/<run>/artifacts onto the proxy's URL space.
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    const root = `${experimentId}/${runId}/artifacts`;

    // Uploads are PUTs of the raw bytes with a guessed Content-Type, JSON files included.
    const put = (path: string, body: string | Uint8Array, contentType: string) =>
      api.send('PUT', `${artifactsApi}/${root}/${path}`, {
        headers: { 'content-type': contentType },
        body,
      });
    const json = '{"not": "parsed by the server"}';
    const binary = new Uint8Array([0, 1, 2, 253, 254, 255]);
    for (const [path, body, type] of [
      ['notes.txt', 'hello artifacts\n', 'text/plain'],
      ['model/config.json', json, 'application/json'],
      ['model/weights.bin', binary, 'application/octet-stream'],
      ['empty.txt', '', 'text/plain'],
    ] as const) {
      const reply = await put(path, body, type);
      expect(reply.status, `${path}: ${reply.text}`).toBe(200);
      expect(reply.json).toEqual({});
    }

    // list_artifacts: GET on the collection with ?path=, answering basenames.
    const top = await api.get(artifactsApi, { path: root });
    expect(top.status).toBe(200);
    expect(sortByPath(top.json.files)).toEqual([
      { path: 'empty.txt', is_dir: false, file_size: 0 },
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 16 },
    ]);
    const nested = await api.get(artifactsApi, { path: `${root}/model` });
    expect(sortByPath(nested.json.files)).toEqual([
      { path: 'config.json', is_dir: false, file_size: json.length },
      { path: 'weights.bin', is_dir: false, file_size: 6 },
    ]);

    // The tracking service's artifacts/list answers run-relative paths (the UI uses it).
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
      const listed = await api.get(`${prefix}/artifacts/list`, {
        run_id: runId,
        run_uuid: runId,
        path: 'model',
      });
      expect(listed.status).toBe(200);
      expect(listed.json.root_uri).toBe(run.info.artifact_uri);
      expect(sortByPath(listed.json.files)).toEqual([
        { path: 'model/config.json', is_dir: false, file_size: json.length },
        { path: 'model/weights.bin', is_dir: false, file_size: 6 },
      ]);
    }

    // download: GET the file path; bytes come back untouched, as an attachment.
    const configReply = await fetch(`${server.baseUrl}${artifactsApi}/${root}/model/config.json`);
    expect(configReply.status).toBe(200);
    expect(await configReply.text()).toBe(json);
    expect(configReply.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?config\.json"?/,
    );
    expect(configReply.headers.get('x-content-type-options')).toBe('nosniff');
    const weights = await fetch(`${server.baseUrl}${artifactsApi}/${root}/model/weights.bin`);
    expect(new Uint8Array(await weights.arrayBuffer())).toEqual(binary);

    const missing = await api.get(`${artifactsApi}/${root}/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses artifact paths that escape the artifact root', async () => {
    for (const path of [
      '..%2F..%2Fetc%2Fpasswd',
      '1/%2e%2e/%2e%2e/secret',
      '1/../../secret',
      '%2Fetc%2Fpasswd',
      '1/..%5C..%5Csecret',
    ]) {
      for (const method of ['PUT', 'GET', 'DELETE']) {
        const body = method === 'PUT' ? 'x' : undefined;
        const reply = await rawRequest(server.baseUrl, method, `${artifactsApi}/${path}`, body);
        expect(reply.status, `${method} ${path}`).toBe(400);
        expect(reply.json?.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    }
    const listing = await api.get(artifactsApi, { path: '../..' });
    expect(listing.status).toBe(400);
    expect(listing.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});

function sortByPath<T extends { path: string }>(files: T[] | undefined): T[] {
  return [...(files ?? [])].sort((a, b) => a.path.localeCompare(b.path));
}
