import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../app.js';
import type { AppContext } from '../app-context.js';
import type { ArtifactRepository } from '../artifacts/index.js';
import type { Storage } from '../storage/index.js';
import type { TestBackend } from './test-backends.js';

/** An in-process app over a fresh database, with helpers to call it like an MLflow client. */
export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  /** POSTs (or GETs, with the fields as a query string) and returns status and parsed body. */
  call(
    method: 'GET' | 'POST',
    path: string,
    fields?: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** An artifact repository for tests that must never touch artifacts: every method throws. */
export const unusedArtifacts: ArtifactRepository = {
  put: () => Promise.reject(new Error('artifacts are not used in this test')),
  get: () => Promise.reject(new Error('artifacts are not used in this test')),
  list: () => Promise.reject(new Error('artifacts are not used in this test')),
  delete: () => Promise.reject(new Error('artifacts are not used in this test')),
};

/** Opens a fresh database on `backend` and builds the app over it. */
export async function openTestApp(
  backend: TestBackend,
  options: { clock?: () => number; artifacts?: ArtifactRepository } = {},
): Promise<TestApp> {
  const storage = await backend.open();
  const context: AppContext = {
    storage,
    artifacts: options.artifacts ?? unusedArtifacts,
    clock: options.clock ?? Date.now,
    authorize: () => {},
  };
  const app = buildApp(context, { logLevel: 'silent' });
  await app.ready();
  return {
    app,
    storage,
    async call(method, path, fields = {}) {
      const url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`;
      const request: InjectOptions =
        method === 'GET'
          ? { method, url, query: toQuery(fields) }
          : { method, url, payload: fields as InjectOptions['payload'] };
      const response = await app.inject(request);
      const text = response.body;
      return { status: response.statusCode, body: text === '' ? {} : JSON.parse(text) };
    },
    async close() {
      await app.close();
      await storage.close();
    },
  };
}

function toQuery(fields: Record<string, unknown>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    query[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return query;
}
