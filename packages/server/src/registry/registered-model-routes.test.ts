import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../test-kit/test-backends.js';
import { openRegistryTestApp, type RegistryTestApp } from './test-kit/registry-test-app.js';

describe.each(testBackends())('registered-models REST on $name', (backend) => {
  let t: RegistryTestApp;
  let now = 1_000;
  beforeEach(async () => {
    now = 1_000;
    t = await openRegistryTestApp(backend, { clock: () => now++ });
  });
  afterEach(async () => t.close());

  const createVersion = async (name: string) => {
    const runId = await t.createRun();
    const reply = await t.call('POST', 'model-versions/create', {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(reply.status).toBe(200);
    return reply.body.model_version;
  };

  it('creates, gets, updates, renames and deletes a registered model', async () => {
    const created = await t.call('POST', 'registered-models/create', {
      name: 'loan-model',
      description: 'scores loans',
      tags: [{ key: 'team', value: 'risk' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({
      name: 'loan-model',
      description: 'scores loans',
      tags: [{ key: 'team', value: 'risk' }],
    });
    expect(typeof created.body.registered_model.creation_timestamp).toBe('number');

    const duplicate = await t.call('POST', 'registered-models/create', { name: 'loan-model' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Registered Model (name=loan-model) already exists.',
    });

    const updated = await t.call('PATCH', 'registered-models/update', {
      name: 'loan-model',
      description: 'v2',
    });
    expect(updated.body.registered_model.description).toBe('v2');

    await createVersion('loan-model');
    await t.call('POST', 'registered-models/alias', {
      name: 'loan-model',
      alias: 'champion',
      version: '1',
    });
    const renamed = await t.call('POST', 'registered-models/rename', {
      name: 'loan-model',
      new_name: 'loan-model-2',
    });
    expect(renamed.body.registered_model).toMatchObject({
      name: 'loan-model-2',
      aliases: [{ alias: 'champion', version: '1' }],
      latest_versions: [{ name: 'loan-model-2', version: '1', current_stage: 'None' }],
    });
    expect((await t.call('GET', 'registered-models/get', { name: 'loan-model' })).status).toBe(404);
    const version = await t.call('GET', 'model-versions/get', { name: 'loan-model-2', version: 1 });
    expect(version.body.model_version.aliases).toEqual(['champion']);

    expect(
      (await t.call('DELETE', 'registered-models/delete', { name: 'loan-model-2' })).status,
    ).toBe(200);
    const gone = await t.call('GET', 'registered-models/get', { name: 'loan-model-2' });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered Model with name=loan-model-2 not found',
    });
    // A new model under the old name starts numbering again.
    await t.call('POST', 'registered-models/create', { name: 'loan-model-2' });
    expect((await createVersion('loan-model-2')).version).toBe('1');
  });

  it('refuses bad names, missing fields and renames onto a taken name', async () => {
    for (const name of ['', 'a/b', ' padded', 'x@y', '..']) {
      const reply = await t.call('POST', 'registered-models/create', { name });
      expect(reply.status, name).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await t.call('POST', 'registered-models/create', {})).body.message).toMatch(
      /Missing value for required parameter 'name'/,
    );
    await t.call('POST', 'registered-models/create', { name: 'a' });
    await t.call('POST', 'registered-models/create', { name: 'b' });
    const clash = await t.call('POST', 'registered-models/rename', { name: 'a', new_name: 'b' });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const badTag = await t.call('POST', 'registered-models/set-tag', {
      name: 'a',
      key: '../x',
      value: 'v',
    });
    expect(badTag.status).toBe(400);
    const longValue = await t.call('POST', 'registered-models/set-tag', {
      name: 'a',
      key: 'k',
      value: 'x'.repeat(5001),
    });
    expect(longValue.status).toBe(400);
  });

  it('sets and deletes tags', async () => {
    await t.call('POST', 'registered-models/create', { name: 'm' });
    await t.call('POST', 'registered-models/set-tag', { name: 'm', key: 'k', value: 'v1' });
    await t.call('POST', 'registered-models/set-tag', { name: 'm', key: 'k', value: 'v2' });
    let model = (await t.call('GET', 'registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.tags).toEqual([{ key: 'k', value: 'v2' }]);
    await t.call('DELETE', 'registered-models/delete-tag', { name: 'm', key: 'k' });
    model = (await t.call('GET', 'registered-models/get', { name: 'm' })).body.registered_model;
    expect(model.tags).toBeUndefined();
    const missing = await t.call('POST', 'registered-models/set-tag', {
      name: 'nope',
      key: 'k',
      value: 'v',
    });
    expect(missing.status).toBe(404);
  });

  it('sets, moves, reads and deletes aliases with MLflow 2.17 error codes', async () => {
    await t.call('POST', 'registered-models/create', { name: 'm' });
    await createVersion('m');
    await createVersion('m');
    const set = await t.call('POST', 'registered-models/alias', {
      name: 'm',
      alias: 'champion',
      version: '1',
    });
    expect(set.status).toBe(200);
    await t.call('POST', 'registered-models/alias', { name: 'm', alias: 'champion', version: 2 });
    const got = await t.call('GET', 'registered-models/alias', { name: 'm', alias: 'champion' });
    expect(got.body.model_version).toMatchObject({ version: '2', aliases: ['champion'] });

    for (const alias of ['latest', 'LATEST', 'v1', 'V12', 'bad alias', '']) {
      const reply = await t.call('POST', 'registered-models/alias', {
        name: 'm',
        alias,
        version: 1,
      });
      expect(reply.status, alias).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const noVersion = await t.call('POST', 'registered-models/alias', {
      name: 'm',
      alias: 'x',
      version: 9,
    });
    expect(noVersion.status).toBe(404);
    const notInteger = await t.call('POST', 'registered-models/alias', {
      name: 'm',
      alias: 'x',
      version: 'one',
    });
    expect(notInteger.body.message).toBe("Parameter 'version' must be an integer, got 'one'.");

    await t.call('DELETE', 'registered-models/alias', { name: 'm', alias: 'champion' });
    const missing = await t.call('GET', 'registered-models/alias', {
      name: 'm',
      alias: 'champion',
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias champion not found.',
    });
    const unknownModel = await t.call('GET', 'registered-models/alias', { name: 'z', alias: 'a' });
    expect(unknownModel.status).toBe(404);
  });

  it('answers get-latest-versions per stage over GET and POST', async () => {
    await t.call('POST', 'registered-models/create', { name: 'm' });
    for (let i = 0; i < 3; i++) await createVersion('m');
    await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '1',
      stage: 'production',
    });
    await t.call('POST', 'model-versions/transition-stage', {
      name: 'm',
      version: '2',
      stage: 'Staging',
    });
    const all = await t.call('POST', 'registered-models/get-latest-versions', { name: 'm' });
    expect(
      all.body.model_versions.map((v: { version: string; current_stage: string }) => [
        v.version,
        v.current_stage,
      ]),
    ).toEqual([
      ['1', 'Production'],
      ['2', 'Staging'],
      ['3', 'None'],
    ]);
    const production = await t.call('GET', 'registered-models/get-latest-versions', {
      name: 'm',
      stages: ['Production'],
    });
    expect(production.body.model_versions.map((v: { version: string }) => v.version)).toEqual([
      '1',
    ]);
    const badStage = await t.call('POST', 'registered-models/get-latest-versions', {
      name: 'm',
      stages: ['Prod'],
    });
    expect(badStage.status).toBe(400);
  });

  it('searches with filters, order_by, page tokens and the max_results cap', async () => {
    for (const name of ['alpha', 'beta', 'Gamma', 'delta']) {
      await t.call('POST', 'registered-models/create', {
        name,
        tags: name === 'beta' ? [{ key: 'team', value: 'search' }] : [],
      });
    }
    const names = async (fields: object) =>
      ((await t.call('GET', 'registered-models/search', fields)).body.registered_models ?? []).map(
        (model: { name: string }) => model.name,
      );
    expect(await names({})).toEqual(['Gamma', 'alpha', 'beta', 'delta']);
    expect(await names({ filter: "name LIKE '%ta'" })).toEqual(['beta', 'delta']);
    expect(await names({ filter: "name ILIKE 'g%'" })).toEqual(['Gamma']);
    expect(await names({ filter: "tags.team = 'search'" })).toEqual(['beta']);
    expect(await names({ order_by: ['creation_timestamp DESC'] })).toEqual([
      'delta',
      'Gamma',
      'beta',
      'alpha',
    ]);
    const first = await t.call('GET', 'registered-models/search', { max_results: 3 });
    expect(first.body.registered_models).toHaveLength(3);
    const second = await t.call('GET', 'registered-models/search', {
      max_results: 3,
      page_token: first.body.next_page_token,
    });
    expect(second.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['delta']);
    expect(second.body.next_page_token).toBeUndefined();

    const tooMany = await t.call('GET', 'registered-models/search', { max_results: 1001 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toBe(
      'Invalid value for request parameter max_results. It must be at most 1000, but got value 1001',
    );
    expect((await t.call('GET', 'registered-models/search', { filter: 'run_id = 1' })).status).toBe(
      400,
    );
    expect((await t.call('GET', 'registered-models/search', { page_token: 'zz' })).status).toBe(
      400,
    );
    expect(
      (await t.call('GET', 'registered-models/search', { order_by: ['tags.x DESC'] })).status,
    ).toBe(400);
    // MLflow 3's client hides prompts with a != filter that must keep untagged models.
    await t.call('POST', 'registered-models/create', {
      name: 'a-prompt',
      tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }],
    });
    expect(await names({ filter: "tags.`mlflow.prompt.is_prompt` != 'true'" })).toEqual([
      'Gamma',
      'alpha',
      'beta',
      'delta',
    ]);
  });

  it('serves the ajax-api prefix too', async () => {
    await t.call('POST', '/ajax-api/2.0/mlflow/registered-models/create', { name: 'ui' });
    const reply = await t.call('GET', '/ajax-api/2.0/mlflow/registered-models/get', { name: 'ui' });
    expect(reply.body.registered_model.name).toBe('ui');
  });
});
