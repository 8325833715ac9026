import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStorage, type Storage } from '../storage/index.js';

/** A metadata backend the conformance suites run against. */
export interface TestBackend {
  name: 'sqlite' | 'postgres';
  /**
   * Opens a fresh, empty database, migrated unless `migrate` is false (for migration tests);
   * `close()` removes it.
   */
  open(options?: { migrate?: boolean }): Promise<Storage>;
}

/**
 * SQLite always; PostgreSQL when CAIRN_TEST_POSTGRES_URL names a server (CI always sets it).
 * Each `open()` gets its own database, so suites never see each other's rows.
 */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'sqlite', open: openTempSqlite }];
  const postgresUrl = process.env.CAIRN_TEST_POSTGRES_URL;
  if (postgresUrl)
    backends.push({ name: 'postgres', open: (options) => openTempPostgres(postgresUrl, options) });
  return backends;
}

async function openTempSqlite(options?: { migrate?: boolean }): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-test-'));
  const storage = await openStorage(`sqlite:///${join(dir, 'cairn.db')}`, options);
  return withCleanup(storage, async () => rmSync(dir, { recursive: true, force: true }));
}

async function openTempPostgres(
  adminUrl: string,
  options?: { migrate?: boolean },
): Promise<Storage> {
  const name = `cairn_test_${randomBytes(6).toString('hex')}`;
  await runAdmin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const storage = await openStorage(url.toString(), options);
  return withCleanup(storage, async () => {
    // pg's pool.end() returns before its clients' backends have exited; dropping WITH (FORCE)
    // while one is still alive kills it and surfaces an unhandled FATAL in the closed pool.
    await runAdmin(
      adminUrl,
      `do $$ begin
         for attempt in 1..100 loop
           exit when not exists (select 1 from pg_stat_activity where datname = '${name}');
           perform pg_sleep(0.02);
         end loop;
       end $$`,
    );
    await runAdmin(adminUrl, `drop database if exists ${name} with (force)`);
  });
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

function withCleanup(storage: Storage, cleanup: () => Promise<void>): Storage {
  return {
    ...storage,
    close: async () => {
      await storage.writes.drain();
      await storage.close();
      await cleanup();
    },
  };
}
