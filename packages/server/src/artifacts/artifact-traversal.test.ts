import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { Storage } from '../storage/index.js';
import { testBackends } from '../test-kit/test-backends.js';
import { openArtifactRepository } from './index.js';
import { hostilePaths } from './test-kit/hostile-paths.js';

const runId = 'd'.repeat(32);

/** Sends `target` exactly as given (no client-side normalisation of `..` or escapes). */
function rawRequest(
  port: number,
  method: string,
  target: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
    const options = { host: '127.0.0.1', port, method, path: target, headers, agent: false };
    const request = httpRequest(options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Puts a hostile path into a URL path: only what cannot travel raw is escaped. */
function inUrlPath(path: string): string {
  return [...path]
    .map((character) => {
      const code = character.codePointAt(0) ?? 0;
      const travelsRaw = code > 0x20 && code <= 0xff && character !== '#' && character !== '?';
      return travelsRaw ? character : encodeURIComponent(character);
    })
    .join('');
}

/** Every file under `directory`, relative to it. */
function tree(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).sort();
}

describe.each(testBackends())('artifact path traversal on $name', (backend) => {
  let base: string;
  let storage: Storage;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    // base/secret.txt and base/outside/ sit next to the root: nothing may reach them.
    base = mkdtempSync(join(tmpdir(), 'cairn-traversal-'));
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'secret.txt'), 'top secret');
    writeFileSync(join(base, 'outside', 'secret.txt'), 'top secret');
    storage = await backend.open();
    const artifacts = await openArtifactRepository(join(base, 'root', 'artifacts'));
    await artifacts.put('0/placeholder.txt', Readable.from(['p']));
    app = buildApp(
      { storage, artifacts, clock: Date.now, authorize: () => {} },
      { logLevel: 'silent' },
    );
    await storage.db
      .insertInto('runs')
      .values({
        run_uuid: runId,
        name: 'r',
        experiment_id: 0,
        user_id: 'u',
        status: 'RUNNING',
        start_time: 1,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/0/${runId}/artifacts`,
        deleted_time: null,
      })
      .execute();
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    rmSync(base, { recursive: true, force: true });
  });

  const expectRefused = (response: { status: number; body: string }, what: string) => {
    expect(response.status, what).toBe(400);
    expect(JSON.parse(response.body), what).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid path',
    });
    expect(response.body, what).not.toContain('top secret');
  };

  for (const [name, paths] of Object.entries(hostilePaths)) {
    it(`refuses ${name} in proxy URL paths (GET, PUT, DELETE, multipart)`, async () => {
      for (const path of paths) {
        const target = inUrlPath(path);
        for (const prefix of ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts']) {
          for (const [method, url] of [
            ['GET', `${prefix}/artifacts/${target}`],
            ['PUT', `${prefix}/artifacts/${target}`],
            ['DELETE', `${prefix}/artifacts/${target}`],
            ['POST', `${prefix}/mpu/create/${target}`],
          ] as const) {
            const body = method === 'PUT' || method === 'POST' ? 'pwned' : undefined;
            expectRefused(await rawRequest(port, method, url, body), `${method} ${url}`);
          }
        }
      }
    });

    it(`refuses ${name} in path query fields`, async () => {
      for (const path of paths) {
        const query = encodeURIComponent(path);
        for (const [method, url] of [
          ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=${query}`],
          ['GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${query}`],
          ['GET', `/ajax-api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${query}`],
          ['GET', `/get-artifact?run_id=${runId}&path=${query}`],
          ['POST', `/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${runId}&path=${query}`],
        ] as const) {
          const body = method === 'POST' ? 'pwned' : undefined;
          expectRefused(await rawRequest(port, method, url, body), `${method} ${url}`);
        }
      }
    });
  }

  it('left everything outside the root as it was', () => {
    expect(tree(base)).toEqual([
      'outside',
      'outside/secret.txt',
      'root',
      'root/artifacts',
      'root/artifacts/0',
      'root/artifacts/0/placeholder.txt',
      'secret.txt',
    ]);
  });
});
