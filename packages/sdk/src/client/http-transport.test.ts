import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScriptedServer, startScriptedServer } from '../test-kit/scripted-server.js';
import { CairnApiError } from './cairn-api-error.js';
import { CairnClient } from './cairn-client.js';

const fastRetry = { initialDelayMs: 1, maxDelayMs: 5, maxRetries: 3 };
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const experiment = {
  experiment_id: '7',
  name: 'loan-chatbot-v1',
  artifact_location: 'mlflow-artifacts:/7',
  lifecycle_stage: 'active',
  creation_time: 1,
  last_update_time: 1,
};

describe('HttpTransport retries (through CairnClient)', () => {
  it('retries 503 twice, then succeeds', async () => {
    let calls = 0;
    server = await startScriptedServer(() =>
      ++calls <= 2
        ? { status: 503, json: { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' } }
        : { json: { experiment } },
    );
    const client = new CairnClient({ trackingUri: server.url, retry: fastRetry });
    expect(await client.getExperiment('7')).toEqual(experiment);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]?.path).toBe('/api/2.0/mlflow/experiments/get');
    expect(server.requests[2]?.query.get('experiment_id')).toBe('7');
  });

  it('never retries a permanent error and keeps its MLflow code and message', async () => {
    server = await startScriptedServer(() => ({
      status: 404,
      json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=9 exists' },
    }));
    const client = new CairnClient({ trackingUri: server.url, retry: fastRetry });
    const error = await client.getExperiment('9').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CairnApiError);
    expect(error).toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      httpStatus: 404,
      message: 'No Experiment with id=9 exists',
      isRetryable: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(await client.getExperimentByName('nope')).toBeUndefined();
  });

  it('gives up after maxRetries and reports the last failure', async () => {
    server = await startScriptedServer(() => ({ status: 502, text: '<html>bad gateway</html>' }));
    const client = new CairnClient({ trackingUri: server.url, retry: fastRetry });
    const error = await client.deleteRun('r1').catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      errorCode: 'INTERNAL_ERROR',
      httpStatus: 502,
      isRetryable: true,
    });
    expect((error as Error).message).toContain('HTTP 502');
    expect(server.requests).toHaveLength(4);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    server = await startScriptedServer(() =>
      ++calls === 1
        ? { status: 429, text: 'slow down', headers: { 'retry-after': '0' } }
        : { json: {} },
    );
    const client = new CairnClient({
      trackingUri: server.url,
      retry: { ...fastRetry, maxRetries: 1 },
    });
    await client.setTag('r1', 'k', 'v');
    expect(server.requests.map((request) => request.json)).toEqual([
      { run_id: 'r1', run_uuid: 'r1', key: 'k', value: 'v' },
      { run_id: 'r1', run_uuid: 'r1', key: 'k', value: 'v' },
    ]);
  });

  it('times out a request whose answer never comes', async () => {
    server = await startScriptedServer(() => new Promise<never>(() => {}));
    const client = new CairnClient({
      trackingUri: server.url,
      timeoutMs: 50,
      retry: { maxRetries: 1, initialDelayMs: 1 },
    });
    const error = await client.getRun('r').catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      errorCode: 'DEADLINE_EXCEEDED',
      httpStatus: 0,
      isRetryable: true,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('turns an unreachable server into a retryable CairnApiError', async () => {
    const port = await closedPort();
    const client = new CairnClient({ trackingUri: `http://127.0.0.1:${port}`, retry: fastRetry });
    const error = await client.getRun('r').catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      errorCode: 'TEMPORARILY_UNAVAILABLE',
      httpStatus: 0,
      isRetryable: true,
    });
  });
});

describe('CairnClient requests', () => {
  it('sends MLflow field names, repeated query keys and MLflow non-finite metric values', async () => {
    server = await startScriptedServer(() => ({ json: {} }));
    const client = new CairnClient({ trackingUri: `${server.url}/`, retry: fastRetry });
    await client.logMetric('r1', 'loss', Number.NaN, { timestamp: 5, step: 2 });
    await client.getMetricHistoryBulkInterval(['a', 'b'], 'loss', { maxResults: 10 });
    await client.searchRuns('1', { filter: "tags.cost_center = 'x'", maxResults: 5 });
    const [metric, bulk, search] = server.requests;
    expect(metric?.json).toEqual({
      run_id: 'r1',
      run_uuid: 'r1',
      key: 'loss',
      value: 'NaN',
      timestamp: 5,
      step: 2,
    });
    expect(bulk?.query.getAll('run_ids')).toEqual(['a', 'b']);
    expect(search?.json).toEqual({
      experiment_ids: ['1'],
      filter: "tags.cost_center = 'x'",
      max_results: 5,
    });
  });

  it('follows metric-history page tokens', async () => {
    server = await startScriptedServer((request) =>
      request.query.get('page_token') === 'p2'
        ? { json: { metrics: [{ key: 'm', value: 2, timestamp: 1, step: 1 }] } }
        : {
            json: {
              metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
              next_page_token: 'p2',
            },
          },
    );
    const client = new CairnClient(server.url);
    expect((await client.getMetricHistory('r', 'm')).map((metric) => metric.value)).toEqual([1, 2]);
  });
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}
