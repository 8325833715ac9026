import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { openArtifactRepository } from './index.js';

const runId = 'a'.repeat(32);
const s3RunId = 'b'.repeat(32);
const proxy = '/api/2.0/mlflow-artifacts/artifacts';

describe.each(testBackends())('artifact routes on $name', (backend) => {
  let base: string;
  let root: string;
  let storage: Storage;
  let app: FastifyInstance;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'cairn-artifact-routes-'));
    root = join(base, 'root');
    storage = await backend.open();
    const artifacts = await openArtifactRepository(root);
    app = buildApp(
      { storage, artifacts, clock: Date.now, authorize: () => {} },
      { logLevel: 'silent' },
    );
    const run = {
      name: 'r',
      experiment_id: 0,
      user_id: 'u',
      status: 'RUNNING',
      start_time: 1,
      end_time: null,
      lifecycle_stage: 'active',
      deleted_time: null,
    };
    await storage.db
      .insertInto('runs')
      .values([
        { ...run, run_uuid: runId, artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts` },
        { ...run, run_uuid: s3RunId, artifact_uri: `s3://bucket/0/${s3RunId}/artifacts` },
      ])
      .execute();
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('stores any body as raw bytes and serves it back as an attachment', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: `${proxy}/0/${runId}/artifacts/config/params.json`,
      headers: { 'content-type': 'application/json' },
      payload: '{"lr": 0.1}',
    });
    expect([put.statusCode, put.json()]).toEqual([200, {}]);
    const get = await app.inject({
      method: 'GET',
      url: `/ajax-api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/config/params.json`,
    });
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe('{"lr": 0.1}');
    expect(get.headers).toMatchObject({
      'content-type': 'text/plain',
      'content-length': '11',
      'content-disposition': 'attachment; filename=params.json',
      'x-content-type-options': 'nosniff',
    });
    for (const headers of [{}, { 'content-type': 'application/x-www-form-urlencoded' }]) {
      const response = await app.inject({
        method: 'PUT',
        url: `${proxy}/raw/model.pkl`,
        headers,
        payload: Buffer.from([0, 1, 2, 255]),
      });
      expect(response.statusCode).toBe(200);
      const back = await app.inject({ method: 'GET', url: `${proxy}/raw/model.pkl` });
      expect([...back.rawPayload]).toEqual([0, 1, 2, 255]);
      expect(back.headers['content-type']).toBe('application/octet-stream');
    }
    const empty = await app.inject({ method: 'PUT', url: `${proxy}/raw/empty.txt` });
    expect(empty.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `${proxy}/raw/empty.txt` })).body).toBe('');
  });

  it('lists names under the proxy and run-relative paths under artifacts/list', async () => {
    await app.inject({
      method: 'PUT',
      url: `${proxy}/0/${runId}/artifacts/model/MLmodel`,
      payload: 'm',
    });
    const proxyList = await app.inject({
      method: 'GET',
      url: `${proxy}?path=0/${runId}/artifacts/model`,
    });
    expect(proxyList.json()).toEqual({ files: [{ path: 'MLmodel', is_dir: false, file_size: 1 }] });
    expect((await app.inject({ method: 'GET', url: `${proxy}?path=nothing/here` })).json()).toEqual(
      {},
    );

    const top = await app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow/artifacts/list?run_id=${runId}`,
    });
    expect(top.json()).toEqual({
      root_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
      files: [
        { path: 'config', is_dir: true },
        { path: 'model', is_dir: true },
      ],
    });
    const nested = await app.inject({
      method: 'GET',
      url: `/ajax-api/2.0/mlflow/artifacts/list?run_uuid=${runId}&path=model`,
    });
    expect(nested.json().files).toEqual([{ path: 'model/MLmodel', is_dir: false, file_size: 1 }]);
  });

  it('answers MLflow errors for missing files, unknown runs and non-proxied runs', async () => {
    const missing = await app.inject({ method: 'GET', url: `${proxy}/no/such/file.txt` });
    expect([missing.statusCode, missing.json().error_code]).toEqual([
      404,
      'RESOURCE_DOES_NOT_EXIST',
    ]);
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow/artifacts/list?run_id=${'c'.repeat(32)}`,
    });
    expect([unknown.statusCode, unknown.json()]).toEqual([
      404,
      { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run with id=${'c'.repeat(32)} not found` },
    ]);
    const noRun = await app.inject({ method: 'GET', url: '/api/2.0/mlflow/artifacts/list' });
    expect([noRun.statusCode, noRun.json().message]).toEqual([
      400,
      "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.",
    ]);
    const s3 = await app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow/artifacts/list?run_id=${s3RunId}`,
    });
    expect([s3.statusCode, s3.json().error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(s3.json().message).toMatch(/only serves proxied artifacts/);
  });

  it('deletes files and trees', async () => {
    await app.inject({ method: 'PUT', url: `${proxy}/doomed/a/b.txt`, payload: 'b' });
    const deleted = await app.inject({ method: 'DELETE', url: `${proxy}/doomed` });
    expect([deleted.statusCode, deleted.json()]).toEqual([200, {}]);
    expect((await app.inject({ method: 'GET', url: `${proxy}/doomed/a/b.txt` })).statusCode).toBe(
      404,
    );
  });

  it('refuses multipart uploads so clients fall back to a single PUT', async () => {
    for (const action of ['create', 'complete', 'abort']) {
      const response = await app.inject({
        method: 'POST',
        url: `/api/2.0/mlflow-artifacts/mpu/${action}/x/big.bin`,
        payload: { path: 'x/big.bin', num_parts: 3 },
      });
      expect([response.statusCode, response.json()]).toEqual([
        501,
        {
          error_code: 'NOT_IMPLEMENTED',
          message: 'Multipart upload is not supported for the current artifact repository',
        },
      ]);
    }
  });

  it('serves and accepts files by run for the UI', async () => {
    const upload = await app.inject({
      method: 'POST',
      url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=ui/notes.md`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: '# notes',
    });
    expect([upload.statusCode, upload.json()]).toEqual([200, {}]);
    for (const key of ['run_id', 'run_uuid']) {
      const download = await app.inject({
        method: 'GET',
        url: `/get-artifact?${key}=${runId}&path=ui/notes.md`,
      });
      expect([download.statusCode, download.body]).toEqual([200, '# notes']);
      expect(download.headers['content-disposition']).toBe('attachment; filename=notes.md');
    }
    const tooLarge = await app.inject({
      method: 'POST',
      url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=ui/big.bin`,
      payload: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect([tooLarge.statusCode, tooLarge.json().message]).toEqual([
      400,
      'Artifact size is too large. Max size is 10MB.',
    ]);
    // Without a Content-Length the limit is enforced on the stream, and nothing is kept.
    const chunk = Buffer.alloc(1024 * 1024);
    const streamed = await app.inject({
      method: 'POST',
      url: `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=ui/streamed.bin`,
      headers: { 'transfer-encoding': 'chunked' },
      payload: Readable.from(Array.from({ length: 11 }, () => chunk)),
    });
    expect([streamed.statusCode, streamed.json().message]).toEqual([
      400,
      'Artifact size is too large. Max size is 10MB.',
    ]);
    const listed = await app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=ui`,
    });
    expect(listed.json().files).toEqual([{ path: 'ui/notes.md', is_dir: false, file_size: 7 }]);
    const noRun = await app.inject({
      method: 'POST',
      url: '/ajax-api/2.0/mlflow/upload-artifact?path=x',
      payload: 'x',
    });
    expect([noRun.statusCode, noRun.json().message]).toEqual([
      400,
      'Request must specify run_uuid.',
    ]);
  });
});
