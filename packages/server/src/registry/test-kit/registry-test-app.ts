import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../app.js';
import type { AppContext } from '../../app-context.js';
import { openArtifactRepository } from '../../artifacts/index.js';
import type { Storage } from '../../storage/index.js';
import type { TestBackend } from '../../test-kit/test-backends.js';
import type { RegistryOptions } from '../index.js';

/** A reply as tests read it. */
export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON that tests index freely.
  body: any;
  text: string;
  headers: Record<string, unknown>;
}

/** An in-process app over a fresh database and a temp artifact directory. */
export interface RegistryTestApp {
  app: FastifyInstance;
  storage: Storage;
  artifactsDir: string;
  /** Calls `/api/2.0/mlflow/<path>` (or an absolute path): GET with a query, others with JSON. */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, fields?: object): Promise<Reply>;
  /** Creates an experiment and a run through the tracking API; returns the run id. */
  createRun(tags?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** Opens the registry over `backend` with real local artifacts. */
export async function openRegistryTestApp(
  backend: TestBackend,
  options: { clock?: () => number; registry?: RegistryOptions } = {},
): Promise<RegistryTestApp> {
  const storage = await backend.open();
  const artifactsDir = mkdtempSync(join(tmpdir(), 'cairn-registry-'));
  const context: AppContext = {
    storage,
    artifacts: await openArtifactRepository(artifactsDir, {}),
    clock: options.clock ?? Date.now,
    authorize: () => {},
  };
  const app = buildApp(context, { logLevel: 'silent', registry: options.registry });
  await app.ready();
  let experimentId: string | undefined;
  const call: RegistryTestApp['call'] = async (method, path, fields = {}) => {
    const url = path.startsWith('/') ? path : `/api/2.0/mlflow/${path}`;
    const request: InjectOptions =
      method === 'GET'
        ? { method, url, query: toQuery(fields as Record<string, unknown>) }
        : { method, url, payload: fields as InjectOptions['payload'] };
    const response = await app.inject(request);
    let body: unknown;
    try {
      body = response.body === '' ? {} : JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body, text: response.body, headers: response.headers };
  };
  return {
    app,
    storage,
    artifactsDir,
    call,
    async createRun(tags = {}) {
      experimentId ??= (await call('POST', 'experiments/create', { name: 'registry-tests' })).body
        .experiment_id as string;
      const created = await call('POST', 'runs/create', {
        experiment_id: experimentId,
        start_time: 1000,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      return created.body.run.info.run_id as string;
    },
    async close() {
      await app.close();
      await storage.close();
      rmSync(artifactsDir, { recursive: true, force: true });
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
