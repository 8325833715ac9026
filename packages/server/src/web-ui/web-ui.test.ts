import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../http/error-handler.js';
import { registerWebUi } from './index.js';

describe('web UI serving', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cairn-web-ui-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
    app = Fastify();
    installErrorHandler(app);
    app.get('/api/2.0/mlflow/experiments/get', async () => ({ experiment: {} }));
    registerWebUi(app, root);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves built files and index.html for deep links', async () => {
    const asset = await app.inject({ url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    for (const url of ['/', '/experiments/1/runs?filter=x', '/runs/abc']) {
      const page = await app.inject({ url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('id="root"');
    }
  });

  it('never shadows API paths: unknown ones still answer the JSON 404', async () => {
    expect((await app.inject({ url: '/api/2.0/mlflow/experiments/get' })).json()).toEqual({
      experiment: {},
    });
    for (const url of [
      '/api/2.0/mlflow/nope',
      '/ajax-api/2.0/cairn/dashboards/x',
      '/v1/traces',
      '/metrics',
      '/get-artifact',
    ]) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBe(404);
      expect(response.json().error_code).toBe('ENDPOINT_NOT_FOUND');
    }
  });

  it('skips quietly when the UI is not built', async () => {
    const bare = Fastify();
    installErrorHandler(bare);
    registerWebUi(bare, join(root, 'missing'));
    expect((await bare.inject({ url: '/' })).statusCode).toBe(404);
    await bare.close();
  });
});
