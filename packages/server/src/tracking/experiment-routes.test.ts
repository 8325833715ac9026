import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

describe.each(testBackends())('experiment routes on $name', (backend) => {
  let client: TestApp;
  beforeEach(async () => {
    client = await openTestApp(backend, { clock: () => 1_700_000_000_000 });
  });
  afterEach(async () => {
    await client.close();
  });

  it('creates, gets (GET query string and ajax prefix) and gets by name', async () => {
    const created = await client.call('POST', 'experiments/create', {
      name: 'exp',
      tags: [{ key: 'team', value: 'ml' }],
    });
    expect(created).toEqual({ status: 200, body: { experiment_id: '1' } });
    const expected = {
      experiment: {
        experiment_id: '1',
        name: 'exp',
        artifact_location: 'mlflow-artifacts:/1',
        lifecycle_stage: 'active',
        last_update_time: 1_700_000_000_000,
        creation_time: 1_700_000_000_000,
        tags: [{ key: 'team', value: 'ml' }],
      },
    };
    expect(await client.call('GET', 'experiments/get', { experiment_id: '1' })).toEqual({
      status: 200,
      body: expected,
    });
    expect(
      await client.call('GET', '/ajax-api/2.0/mlflow/experiments/get', { experiment_id: 1 }),
    ).toMatchObject({ status: 200, body: expected });
    expect(await client.call('GET', 'experiments/get-by-name', { experiment_name: 'exp' })).toEqual(
      { status: 200, body: expected },
    );
  });

  it('answers MLflow errors for missing fields, duplicates and unknown experiments', async () => {
    expect(await client.call('POST', 'experiments/create', {})).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    });
    await client.call('POST', 'experiments/create', { name: 'dup' });
    expect(await client.call('POST', 'experiments/create', { name: 'dup' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
    expect(await client.call('GET', 'experiments/get', { experiment_id: '999' })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=999 exists' },
    });
    expect(
      await client.call('GET', 'experiments/get-by-name', { experiment_name: 'nope' }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect(
      await client.call('POST', 'experiments/create', { name: 'x'.repeat(501) }),
    ).toMatchObject({ status: 400 });
  });

  it('validates a given artifact location', async () => {
    const bad = [
      'runs:/abc/model',
      'http://host/path#frag',
      'http://host/path;params',
      's3://bucket/path?x=..%2F..',
      's3://bucket/path?x=%252e%252e',
    ];
    for (const location of bad) {
      const response = await client.call('POST', 'experiments/create', {
        name: `e-${location}`,
        artifact_location: location,
      });
      expect(response, location).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    const good = await client.call('POST', 'experiments/create', {
      name: 'good',
      artifact_location: 's3://bucket/some/path',
    });
    expect(good.status).toBe(200);
  });

  it('renames, deletes, restores and refuses to rename a deleted experiment', async () => {
    await client.call('POST', 'experiments/create', { name: 'a' });
    expect(
      await client.call('POST', 'experiments/update', { experiment_id: '1', new_name: 'b' }),
    ).toEqual({ status: 200, body: {} });
    expect(
      (await client.call('GET', 'experiments/get', { experiment_id: '1' })).body,
    ).toMatchObject({ experiment: { name: 'b' } });
    expect(await client.call('POST', 'experiments/delete', { experiment_id: '1' })).toEqual({
      status: 200,
      body: {},
    });
    expect(
      await client.call('POST', 'experiments/update', { experiment_id: '1', new_name: 'c' }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: '1',
        key: 'k',
        value: 'v',
      }),
    ).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "The experiment 1 must be in the 'active' state. Current state is deleted.",
      },
    });
    expect(await client.call('POST', 'experiments/restore', { experiment_id: '1' })).toEqual({
      status: 200,
      body: {},
    });
    expect(await client.call('POST', 'experiments/delete', { experiment_id: '42' })).toMatchObject({
      status: 404,
    });
  });

  it('sets and deletes experiment tags, refusing over-long values', async () => {
    expect(
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: 0,
        key: 'k',
        value: '',
      }),
    ).toEqual({ status: 200, body: {} });
    expect(
      (await client.call('GET', 'experiments/get', { experiment_id: '0' })).body,
    ).toMatchObject({ experiment: { tags: [{ key: 'k', value: '' }] } });
    expect(
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: '0',
        key: 'k',
        value: 'v'.repeat(5001),
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(
      await client.call('POST', 'experiments/set-experiment-tag', {
        experiment_id: '0',
        key: 'bad//key',
        value: 'v',
      }),
    ).toMatchObject({ status: 400 });
    expect(
      await client.call('POST', 'experiments/delete-experiment-tag', {
        experiment_id: '0',
        key: 'k',
      }),
    ).toEqual({ status: 200, body: {} });
    expect(
      await client.call('POST', 'experiments/delete-experiment-tag', {
        experiment_id: '0',
        key: 'k',
      }),
    ).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });
});
