import type { Run } from '@cairn/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

describe.each(testBackends())('run routes on $name', (backend) => {
  let client: TestApp;
  beforeEach(async () => {
    client = await openTestApp(backend, { clock: () => 1_700_000_000_000 });
  });
  afterEach(async () => {
    await client.close();
  });

  const createRun = async (fields: Record<string, unknown> = {}) => {
    const response = await client.call('POST', 'runs/create', { experiment_id: '0', ...fields });
    expect(response.status).toBe(200);
    return (response.body as { run: Run }).run;
  };

  it('creates a run with a generated name stored also as mlflow.runName', async () => {
    const run = await createRun();
    expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/);
    expect(run.info.run_name.length).toBeLessThanOrEqual(20);
    expect(run.info).toMatchObject({
      run_uuid: run.info.run_id,
      experiment_id: '0',
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
      artifact_uri: `mlflow-artifacts:/0/${run.info.run_id}/artifacts`,
    });
    expect(run.data.tags).toEqual([{ key: 'mlflow.runName', value: run.info.run_name }]);
    expect(run.inputs).toEqual({});
  });

  it('takes the name from run_name or the tag, and refuses both when they differ', async () => {
    expect((await createRun({ run_name: 'given', start_time: '12' })).info).toMatchObject({
      run_name: 'given',
      start_time: 12,
    });
    const fromTag = await createRun({ tags: [{ key: 'mlflow.runName', value: 'tagged' }] });
    expect(fromTag.info.run_name).toBe('tagged');
    expect(fromTag.data.tags).toEqual([{ key: 'mlflow.runName', value: 'tagged' }]);
    const conflict = await client.call('POST', 'runs/create', {
      experiment_id: '0',
      run_name: 'a',
      tags: [{ key: 'mlflow.runName', value: 'b' }],
    });
    expect(conflict).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='a', mlflow.runName='b').",
      },
    });
    expect(
      await client.call('POST', 'runs/create', { experiment_id: '5', run_name: 'x' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('gets a run by run_id or legacy run_uuid; unknown runs are 404', async () => {
    const run = await createRun({ run_name: 'r' });
    expect(await client.call('GET', 'runs/get', { run_id: run.info.run_id })).toEqual({
      status: 200,
      body: { run },
    });
    expect(await client.call('GET', 'runs/get', { run_uuid: run.info.run_id })).toEqual({
      status: 200,
      body: { run },
    });
    expect(await client.call('GET', 'runs/get', { run_id: 'f'.repeat(32) })).toEqual({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `Run with id=${'f'.repeat(32)} not found`,
      },
    });
    expect(await client.call('GET', 'runs/get', {})).toMatchObject({ status: 400 });
  });

  it('updates status by name or number, end_time as a string, and the name', async () => {
    const run = await createRun({ run_name: 'r' });
    const runId = run.info.run_id;
    const byName = await client.call('POST', 'runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: '1700000000500',
    });
    expect(byName.body).toMatchObject({
      run_info: { status: 'FINISHED', end_time: 1_700_000_000_500, run_name: 'r' },
    });
    const byNumber = await client.call('POST', 'runs/update', {
      run_id: runId,
      status: 4,
      run_name: 'n',
    });
    expect(byNumber.body).toMatchObject({
      run_info: { status: 'FAILED', end_time: 1_700_000_000_500, run_name: 'n' },
    });
    const fetched = (await client.call('GET', 'runs/get', { run_id: runId })).body as { run: Run };
    expect(fetched.run.data.tags).toEqual([{ key: 'mlflow.runName', value: 'n' }]);
    expect(
      await client.call('POST', 'runs/update', { run_id: runId, status: 'SLEEPING' }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('deletes and restores; writes to a deleted run are refused with MLflow message', async () => {
    const runId = (await createRun()).info.run_id;
    expect(await client.call('POST', 'runs/delete', { run_id: runId })).toEqual({
      status: 200,
      body: {},
    });
    const message = `The run ${runId} must be in the 'active' state. Current state is deleted.`;
    for (const [path, fields] of [
      ['runs/set-tag', { key: 'k', value: 'v' }],
      ['runs/log-parameter', { key: 'k', value: 'v' }],
      ['runs/log-metric', { key: 'm', value: 1, timestamp: 1 }],
      ['runs/log-batch', { metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
    ] as const) {
      expect(await client.call('POST', path, { run_id: runId, ...fields }), path).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message },
      });
    }
    expect(await client.call('POST', 'runs/restore', { run_id: runId })).toEqual({
      status: 200,
      body: {},
    });
    expect(
      await client.call('POST', 'runs/set-tag', { run_id: runId, key: 'k', value: 'v' }),
    ).toEqual({ status: 200, body: {} });
  });

  it('sets, truncates and deletes tags; validates key names', async () => {
    const runId = (await createRun({ run_name: 'r' })).info.run_id;
    await client.call('POST', 'runs/set-tag', {
      run_id: runId,
      key: 'long',
      value: 'v'.repeat(9000),
    });
    await client.call('POST', 'runs/set-tag', { run_id: runId, key: 'empty' });
    const run = ((await client.call('GET', 'runs/get', { run_id: runId })).body as { run: Run })
      .run;
    expect(run.data.tags?.find((tag) => tag.key === 'long')?.value).toHaveLength(8000);
    expect(run.data.tags?.find((tag) => tag.key === 'empty')?.value).toBe('');
    for (const key of ['a//b', 'a/./b', 'trailing/', '/abs', '..', 'bad!char', 'k'.repeat(251)]) {
      const response = await client.call('POST', 'runs/set-tag', {
        run_id: runId,
        key,
        value: 'v',
      });
      expect(response, key).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    expect(
      await client.call('POST', 'runs/set-tag', {
        run_id: runId,
        key: 'ok:with spaces/é',
        value: 'v',
      }),
    ).toEqual({ status: 200, body: {} });
    expect(await client.call('POST', 'runs/delete-tag', { run_id: runId, key: 'empty' })).toEqual({
      status: 200,
      body: {},
    });
    expect(
      await client.call('POST', 'runs/delete-tag', { run_id: runId, key: 'empty' }),
    ).toMatchObject({ status: 404 });
  });

  it('logs params immutably and truncates long values', async () => {
    const runId = (await createRun()).info.run_id;
    const log = (key: string, value: string) =>
      client.call('POST', 'runs/log-parameter', { run_id: runId, key, value });
    expect(await log('lr', '0.1')).toEqual({ status: 200, body: {} });
    expect(await log('lr', '0.1')).toEqual({ status: 200, body: {} });
    expect(await log('lr', '0.2')).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${runId}'. Attempted logging new value '0.2'.`,
      },
    });
    expect(await log('long', 'x'.repeat(7000))).toEqual({ status: 200, body: {} });
    const run = ((await client.call('GET', 'runs/get', { run_id: runId })).body as { run: Run })
      .run;
    expect(run.data.params?.find((param) => param.key === 'long')?.value).toHaveLength(6000);
  });

  it('logs dataset inputs and returns them with the run', async () => {
    const runId = (await createRun()).info.run_id;
    const datasetInput = {
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
      dataset: {
        name: 'iris',
        digest: 'd1',
        source_type: 'local',
        source: '{"uri": "/data"}',
        profile: '{"rows": 3}',
      },
    };
    expect(
      await client.call('POST', 'runs/log-inputs', { run_id: runId, datasets: [datasetInput] }),
    ).toEqual({ status: 200, body: {} });
    const run = ((await client.call('GET', 'runs/get', { run_id: runId })).body as { run: Run })
      .run;
    expect(run.inputs).toEqual({ dataset_inputs: [datasetInput] });
    expect(
      await client.call('POST', 'runs/log-inputs', {
        run_id: runId,
        datasets: [
          { dataset: { name: 'x', digest: 'y'.repeat(37), source_type: 's', source: 's' } },
        ],
      }),
    ).toMatchObject({ status: 400 });
    expect(
      await client.call('POST', 'runs/log-inputs', {
        run_id: runId,
        datasets: [{ dataset: { name: 'x' } }],
      }),
    ).toMatchObject({ status: 400 });
  });
});
