// MLflow's experiment RPCs (service.proto), under both prefixes, with exact error codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';
import { wireClient } from './support/wire-client.js';

const missing = (name: string) =>
  `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`;

describe.each(compatBackends())('experiments REST API on %s', (backend) => {
  let server: LiveServer;
  let api: ReturnType<typeof wireClient>;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    api = wireClient(server.baseUrl);
  });
  afterAll(async () => {
    await server?.close();
  });

  describe.each(['/api/2.0/mlflow', '/ajax-api/2.0/mlflow'])('under %s', (prefix) => {
    it('creates an experiment with tags and reads it by id and by name', async () => {
      const name = `exp-${prefix.length}-create`;
      const created = await api.post(`${prefix}/experiments/create`, {
        name,
        tags: [{ key: 'team', value: 'search' }],
      });
      expect(created.status).toBe(200);
      expect(created.contentType).toMatch(/^application\/json/);
      const experimentId = created.json.experiment_id;
      expect(typeof experimentId).toBe('string');

      const byId = await api.get(`${prefix}/experiments/get`, { experiment_id: experimentId });
      expect(byId.status).toBe(200);
      expect(byId.json.experiment).toMatchObject({
        experiment_id: experimentId,
        name,
        lifecycle_stage: 'active',
        tags: [{ key: 'team', value: 'search' }],
      });
      expect(byId.json.experiment.artifact_location).toMatch(new RegExp(`${experimentId}$`));
      expect(typeof byId.json.experiment.creation_time).toBe('number');
      expect(typeof byId.json.experiment.last_update_time).toBe('number');

      const byName = await api.get(`${prefix}/experiments/get-by-name`, { experiment_name: name });
      expect(byName.status).toBe(200);
      expect(byName.json.experiment.experiment_id).toBe(experimentId);
    });
  });

  it('has the Default experiment with id 0', async () => {
    const reply = await api.get('/api/2.0/mlflow/experiments/get', { experiment_id: '0' });
    expect(reply.status).toBe(200);
    expect(reply.json.experiment).toMatchObject({ experiment_id: '0', name: 'Default' });
  });

  it('answers RESOURCE_ALREADY_EXISTS with HTTP 400 for a duplicate name', async () => {
    await api.post('/api/2.0/mlflow/experiments/create', { name: 'dup' });
    const again = await api.post('/api/2.0/mlflow/experiments/create', { name: 'dup' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect(again.contentType).toMatch(/^application\/json/);
  });

  it('answers INVALID_PARAMETER_VALUE for a missing name', async () => {
    const reply = await api.post('/api/2.0/mlflow/experiments/create', {});
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: missing('name') });
    const empty = await api.post('/api/2.0/mlflow/experiments/create', { name: '' });
    expect(empty.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('answers RESOURCE_DOES_NOT_EXIST with 404 for unknown ids and names', async () => {
    const byId = await api.get('/api/2.0/mlflow/experiments/get', { experiment_id: '987654' });
    expect(byId.status).toBe(404);
    expect(byId.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(byId.json.message).toContain('987654');
    const byName = await api.get('/api/2.0/mlflow/experiments/get-by-name', {
      experiment_name: 'no-such-experiment',
    });
    expect(byName.status).toBe(404);
    expect(byName.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(byName.json.message).toBe("Could not find experiment with name 'no-such-experiment'");
  });

  it('answers INVALID_PARAMETER_VALUE for a missing experiment_id on GET', async () => {
    const reply = await api.get('/api/2.0/mlflow/experiments/get');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: missing('experiment_id'),
    });
  });

  it('renames, tags, deletes and restores, and search honours view_type', async () => {
    const { json } = await api.post('/api/2.0/mlflow/experiments/create', { name: 'lifecycle' });
    const id = json.experiment_id;
    expect(
      (
        await api.post('/api/2.0/mlflow/experiments/update', {
          experiment_id: id,
          new_name: 'renamed',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.post('/api/2.0/mlflow/experiments/set-experiment-tag', {
          experiment_id: id,
          key: 'note',
          value: '',
        })
      ).status,
    ).toBe(200);
    const tagged = await api.get('/api/2.0/mlflow/experiments/get', { experiment_id: id });
    expect(tagged.json.experiment.name).toBe('renamed');
    expect(tagged.json.experiment.tags).toContainEqual({ key: 'note', value: '' });

    expect(
      (await api.post('/api/2.0/mlflow/experiments/delete', { experiment_id: id })).json,
    ).toEqual({});
    const deleted = await api.get('/api/2.0/mlflow/experiments/get', { experiment_id: id });
    expect(deleted.json.experiment.lifecycle_stage).toBe('deleted');

    const names = async (viewType?: string) => {
      const reply = await api.post('/api/2.0/mlflow/experiments/search', {
        max_results: 1000,
        ...(viewType ? { view_type: viewType } : {}),
      });
      expect(reply.status).toBe(200);
      return (reply.json.experiments ?? []).map((experiment: { name: string }) => experiment.name);
    };
    expect(await names()).not.toContain('renamed');
    expect(await names('DELETED_ONLY')).toEqual(['renamed']);
    expect(await names('ALL')).toContain('renamed');

    expect(
      (await api.post('/api/2.0/mlflow/experiments/restore', { experiment_id: id })).status,
    ).toBe(200);
    expect(await names('ACTIVE_ONLY')).toContain('renamed');

    const tagDeleted = await api.post('/api/2.0/mlflow/experiments/delete-experiment-tag', {
      experiment_id: id,
      key: 'note',
    });
    expect(tagDeleted.status).toBe(200);
    const untagged = await api.get('/api/2.0/mlflow/experiments/get', { experiment_id: id });
    expect(untagged.json.experiment.tags ?? []).not.toContainEqual({ key: 'note', value: '' });
  });

  it('searches with filter, order_by and page tokens, by POST and by GET', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await api.post('/api/2.0/mlflow/experiments/create', {
        name,
        tags: [{ key: 'group', value: 'paging' }],
      });
    }
    const first = await api.post('/api/2.0/mlflow/experiments/search', {
      filter: "tags.group = 'paging'",
      order_by: ['name DESC'],
      max_results: 2,
    });
    expect(first.status).toBe(200);
    expect(first.json.experiments.map((experiment: { name: string }) => experiment.name)).toEqual([
      'page-c',
      'page-b',
    ]);
    expect(typeof first.json.next_page_token).toBe('string');
    const second = await api.post('/api/2.0/mlflow/experiments/search', {
      filter: "tags.group = 'paging'",
      order_by: ['name DESC'],
      max_results: 2,
      page_token: first.json.next_page_token,
    });
    expect(second.json.experiments.map((experiment: { name: string }) => experiment.name)).toEqual([
      'page-a',
    ]);
    expect(second.json.next_page_token).toBeUndefined();

    // The UI searches by GET: numbers as text, repeated order_by keys.
    const viaGet = await api.get('/ajax-api/2.0/mlflow/experiments/search', {
      filter: "name LIKE 'page-%'",
      order_by: ['name ASC', 'experiment_id DESC'],
      max_results: '10',
      view_type: 'ALL',
    });
    expect(viaGet.status).toBe(200);
    expect(viaGet.json.experiments.map((experiment: { name: string }) => experiment.name)).toEqual([
      'page-a',
      'page-b',
      'page-c',
    ]);
  });

  it('rejects a malformed filter and an unknown page token with 400', async () => {
    const badFilter = await api.post('/api/2.0/mlflow/experiments/search', {
      filter: 'name = ',
    });
    expect(badFilter.status).toBe(400);
    expect(badFilter.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badToken = await api.post('/api/2.0/mlflow/experiments/search', {
      page_token: 'not-a-token',
    });
    expect(badToken.status).toBe(400);
    expect(badToken.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('rejects a non-JSON POST body with 400, and answers 404 for unknown endpoints', async () => {
    const plain = await api.send('POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(plain.status).toBe(400);
    expect(plain.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const malformed = await api.send('POST', '/api/2.0/mlflow/experiments/create', {
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const unknown = await api.get('/api/2.0/mlflow/experiments/no-such-rpc');
    expect(unknown.status).toBe(404);
  });

  it('serves /health and /version', async () => {
    const health = await api.get('/health');
    expect(health.status).toBe(200);
    expect(health.text).toBe('OK');
    const version = await api.get('/version');
    expect(version.status).toBe(200);
    expect(version.text).toMatch(/^\d+\.\d+\.\d+/);
  });
});
