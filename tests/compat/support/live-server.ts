import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, loadServerConfig } from '@cairn/server';
import pg from 'pg';

/** A Cairn server listening on a free loopback port, as a third-party client sees it. */
export interface LiveServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  backend: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

/** The metadata backends the compat suites run on: SQLite always, PostgreSQL when configured. */
export function compatBackends(): ('sqlite' | 'postgres')[] {
  return process.env.CAIRN_TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * Starts `createApp` + `listen` on 127.0.0.1:0 over a fresh database (a temp SQLite file, or a
 * new PostgreSQL database dropped on close) and a temp artifact directory.
 */
export async function startLiveServer(
  backend: 'sqlite' | 'postgres' = 'sqlite',
): Promise<LiveServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-compat-'));
  let backendStoreUri = `sqlite:///${join(dir, 'c.db')}`;
  let dropDatabase = async () => {};
  if (backend === 'postgres') {
    const adminUrl = process.env.CAIRN_TEST_POSTGRES_URL;
    if (!adminUrl) throw new Error('CAIRN_TEST_POSTGRES_URL is not set.');
    const name = `cairn_compat_${randomBytes(6).toString('hex')}`;
    await runAdmin(adminUrl, `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    backendStoreUri = url.toString();
    dropDatabase = async () => {
      // The server's pool may still be saying goodbye; a forced drop now would hit a closing
      // connection with a FATAL it no longer listens for. Give the sessions a moment to end.
      await waitForNoSessions(adminUrl, name);
      await runAdmin(adminUrl, `drop database if exists ${name} with (force)`);
    };
  }
  const app = await createApp(
    loadServerConfig({ port: 0, backendStoreUri, artifactsDestination: join(dir, 'a') }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    backend,
    close: async () => {
      await app.close();
      await dropDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForNoSessions(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 0; attempt < 30; attempt++) {
      const { rows } = await client.query(
        'select count(*)::int as sessions from pg_stat_activity where datname = $1',
        [database],
      );
      if (rows[0]?.sessions === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    process.stderr.write(
      `warning: sessions on ${database} still open 3 s after the server closed\n`,
    );
  } finally {
    await client.end();
  }
}

async function runAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
