import type { Run } from '@cairn/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

describe.each(testBackends())('metric routes on $name', (backend) => {
  let client: TestApp;
  let runId: string;
  beforeEach(async () => {
    client = await openTestApp(backend);
    const created = await client.call('POST', 'runs/create', { experiment_id: '0' });
    runId = (created.body as { run: Run }).run.info.run_id;
  });
  afterEach(async () => {
    await client.close();
  });

  const getRun = async () =>
    ((await client.call('GET', 'runs/get', { run_id: runId })).body as { run: Run }).run;

  it('logs a metric with int64 fields as strings and NaN/Infinity as strings', async () => {
    expect(
      await client.call('POST', 'runs/log-metric', {
        run_id: runId,
        key: 'loss',
        value: 'NaN',
        timestamp: '1700000000000',
        step: '3',
      }),
    ).toEqual({ status: 200, body: {} });
    await client.call('POST', 'runs/log-metric', {
      run_id: runId,
      key: 'up',
      value: 'Infinity',
      timestamp: 1,
    });
    await client.call('POST', 'runs/log-metric', {
      run_id: runId,
      key: 'down',
      value: '-Infinity',
      timestamp: 1,
    });
    expect((await getRun()).data.metrics).toEqual([
      { key: 'down', value: '-Infinity', timestamp: 1, step: 0 },
      { key: 'loss', value: 'NaN', timestamp: 1_700_000_000_000, step: 3 },
      { key: 'up', value: 'Infinity', timestamp: 1, step: 0 },
    ]);
  });

  it('rejects malformed metrics with 400', async () => {
    const cases = [
      { key: 'm', timestamp: 1 },
      { key: 'm', value: true, timestamp: 1 },
      { key: 'm', value: 'abc', timestamp: 1 },
      { key: 'm', value: 1 },
      { key: 'm', value: 1, timestamp: -1 },
      { key: 'm', value: 1, timestamp: 1.5 },
      { key: 'm', value: 1, timestamp: 1, step: 'x' },
      { key: 'a//b', value: 1, timestamp: 1 },
      { value: 1, timestamp: 1 },
    ];
    for (const fields of cases) {
      const response = await client.call('POST', 'runs/log-metric', { run_id: runId, ...fields });
      expect(response, JSON.stringify(fields)).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    expect(
      await client.call('POST', 'runs/log-metric', {
        run_id: 'nope',
        key: 'm',
        value: 1,
        timestamp: 1,
      }),
    ).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Run with id=nope not found' },
    });
  });

  it('logs a batch of metrics, params and tags; tags are last-write-wins', async () => {
    const response = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'm', value: 1, timestamp: 1, step: 0 },
        { key: 'm', value: 2, timestamp: 2, step: 1 },
      ],
      params: [{ key: 'p', value: 'v' }],
      tags: [
        { key: 't', value: 'first' },
        { key: 't', value: 'second' },
      ],
    });
    expect(response).toEqual({ status: 200, body: {} });
    const run = await getRun();
    expect(run.data.metrics).toEqual([{ key: 'm', value: 2, timestamp: 2, step: 1 }]);
    expect(run.data.params).toEqual([{ key: 'p', value: 'v' }]);
    expect(run.data.tags?.find((tag) => tag.key === 't')).toEqual({ key: 't', value: 'second' });
  });

  it('enforces batch limits with MLflow messages and writes nothing from a bad batch', async () => {
    const metric = (step: number) => ({ key: 'm', value: 1, timestamp: 1, step });
    const tooMany = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 1001 }, (_, step) => metric(step)),
    });
    expect(tooMany).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
      },
    });
    const params = Array.from({ length: 101 }, (_, index) => ({ key: `p${index}`, value: 'v' }));
    expect(
      (await client.call('POST', 'runs/log-batch', { run_id: runId, params })).body,
    ).toMatchObject({ message: expect.stringContaining('at most 100 params. Got 101 params.') });
    const tags = Array.from({ length: 101 }, (_, index) => ({ key: `t${index}`, value: 'v' }));
    expect(
      (await client.call('POST', 'runs/log-batch', { run_id: runId, tags })).body,
    ).toMatchObject({ message: expect.stringContaining('at most 100 tags. Got 101 tags.') });
    const total = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 950 }, (_, step) => metric(step)),
      params: params.slice(0, 60),
    });
    expect(total.body).toMatchObject({
      message: expect.stringContaining(
        'at most 1000 metrics, params, and tags. Got 1010 metrics, params, and tags.',
      ),
    });
    const exactlyFull = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 1000 }, (_, step) => metric(step)),
    });
    expect(exactlyFull).toEqual({ status: 200, body: {} });

    const badItem = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [metric(5000), { key: 'm', timestamp: 1 }],
    });
    expect(badItem).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining("'metrics[1].value'") },
    });
    const history = await client.call('GET', 'metrics/get-history', {
      run_id: runId,
      metric_key: 'm',
    });
    expect((history.body.metrics as unknown[]).length).toBe(1000);
  });

  it('refuses duplicate param keys and changed params in a batch', async () => {
    const duplicate = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: [
        { key: 'p', value: '1' },
        { key: 'p', value: '2' },
      ],
    });
    expect(duplicate).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Duplicate parameter keys have been submitted: ['p']. Please ensure the request contains only one param value per param key.",
      },
    });
    await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'p', value: '1' }],
    });
    expect(
      await client.call('POST', 'runs/log-batch', {
        run_id: runId,
        params: [{ key: 'p', value: '1' }],
      }),
    ).toEqual({ status: 200, body: {} });
    const changed = await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'never', value: 1, timestamp: 1 }],
      params: [{ key: 'p', value: '2' }],
    });
    expect(changed).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('Changing param values is not allowed.') },
    });
    expect((await getRun()).data.metrics).toBeUndefined();
  });

  it('pages get-history with max_results and page_token', async () => {
    await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 5 }, (_, step) => ({
        key: 'm',
        value: step,
        timestamp: 10,
        step,
      })),
    });
    const first = await client.call('GET', 'metrics/get-history', {
      run_id: runId,
      metric_key: 'm',
      max_results: 3,
    });
    expect((first.body.metrics as { step: number }[]).map((metric) => metric.step)).toEqual([
      0, 1, 2,
    ]);
    expect(typeof first.body.next_page_token).toBe('string');
    const second = await client.call('GET', 'metrics/get-history', {
      run_id: runId,
      metric_key: 'm',
      max_results: 3,
      page_token: first.body.next_page_token,
    });
    expect(second.body).toEqual({
      metrics: [
        { key: 'm', value: 3, timestamp: 10, step: 3 },
        { key: 'm', value: 4, timestamp: 10, step: 4 },
      ],
    });
    expect(
      await client.call('GET', 'metrics/get-history', { run_id: runId, metric_key: 'none' }),
    ).toEqual({ status: 200, body: {} });
    expect(await client.call('GET', 'metrics/get-history', { run_id: runId })).toMatchObject({
      status: 400,
    });
  });

  it('samples get-history-bulk-interval and validates its fields', async () => {
    await client.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 1000 }, (_, step) => ({
        key: 'm',
        value: step,
        timestamp: 1,
        step,
      })),
    });
    const sampled = await client.call('GET', 'metrics/get-history-bulk-interval', {
      run_ids: [runId],
      metric_key: 'm',
      max_results: 4,
    });
    expect(sampled.status).toBe(200);
    expect(sampled.body.metrics).toEqual(
      [0, 250, 500, 750, 999].map((step) => ({
        key: 'm',
        value: step,
        timestamp: 1,
        step,
        run_id: runId,
      })),
    );
    const ranged = await client.call('GET', 'metrics/get-history-bulk-interval', {
      run_ids: runId,
      metric_key: 'm',
      start_step: 10,
      end_step: 12,
    });
    expect((ranged.body.metrics as { step: number }[]).map((point) => point.step)).toEqual([
      10, 11, 12,
    ]);
    const errors: [Record<string, unknown>, string][] = [
      [{ metric_key: 'm' }, "Missing value for required parameter 'run_ids'"],
      [
        { run_ids: [runId], metric_key: 'm', max_results: 0 },
        'max_results must be between 1 and 2500.',
      ],
      [
        { run_ids: [runId], metric_key: 'm', max_results: 2501 },
        'max_results must be between 1 and 2500.',
      ],
      [
        { run_ids: [runId], metric_key: 'm', start_step: 1 },
        'If either start step or end step are specified, both must be specified.',
      ],
      [
        { run_ids: [runId], metric_key: 'm', start_step: 5, end_step: 1 },
        'end_step must be greater than start_step. Found start_step=5 and end_step=1.',
      ],
      [
        { run_ids: Array.from({ length: 101 }, (_, index) => `r${index}`), metric_key: 'm' },
        'at most 100 run_ids. Received 101 run_ids.',
      ],
    ];
    for (const [fields, message] of errors) {
      const response = await client.call('GET', 'metrics/get-history-bulk-interval', fields);
      expect(response.status, message).toBe(400);
      expect(response.body.message).toContain(message);
    }
  });

  it('serves the ajax-only get-history-bulk', async () => {
    await client.call('POST', 'runs/log-metric', {
      run_id: runId,
      key: 'm',
      value: 1,
      timestamp: 5,
    });
    const response = await client.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', {
      run_id: [runId],
      metric_key: 'm',
    });
    expect(response).toEqual({
      status: 200,
      body: { metrics: [{ key: 'm', value: 1, timestamp: 5, step: 0, run_id: runId }] },
    });
    expect(
      (await client.call('GET', '/api/2.0/mlflow/metrics/get-history-bulk', { run_id: [runId] }))
        .status,
    ).toBe(404);
    expect(
      await client.call('GET', '/ajax-api/2.0/mlflow/metrics/get-history-bulk', {
        metric_key: 'm',
      }),
    ).toMatchObject({ status: 400 });
  });
});
