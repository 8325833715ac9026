import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { invalidParameter } from '../errors.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { allMigrations } from './migrations/index.js';
import type { DatabaseSchema } from './schema.js';
import type { StorageDialect } from './storage-dialect.js';
import { WalSync } from './wal-sync.js';
import { WriteQueue } from './write-queue.js';

/** An open metadata database: the query builder, its dialect, and the group-commit write lane. */
export interface Storage {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: StorageDialect;
  readonly writes: WriteQueue;
  /** The raw SQLite handle, for hot paths that use prepared statements inside a write. */
  readonly sqlite?: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** Where a backend store URI points. */
export type ParsedStoreUri =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'postgres'; connectionString: string };

/**
 * Parses MLflow-style store URIs: `sqlite:///relative.db`, `sqlite:////absolute/path.db`,
 * `sqlite:///:memory:`, `postgresql://user:pass@host:port/db` (a `+driver` suffix is ignored).
 */
export function parseStoreUri(uri: string): ParsedStoreUri {
  if (uri.startsWith('sqlite:///')) {
    const path = uri.slice('sqlite:///'.length);
    if (path === '') throw invalidParameter(`Store URI '${uri}' names no database file.`);
    return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  const match = /^(postgres|postgresql)(\+[a-z0-9]+)?:\/\//i.exec(uri);
  if (match)
    return { dialect: 'postgres', connectionString: `postgresql://${uri.slice(match[0].length)}` };
  throw invalidParameter(
    `Unsupported backend store URI '${redactPassword(uri)}'. Use sqlite:///path/to/file.db or postgresql://user:pass@host:port/db.`,
  );
}

/** Hides the password of a connection URI, so URIs can be logged. */
export function redactPassword(uri: string): string {
  return uri.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Opens the database behind `uri` and, unless told not to, brings its schema up to date. */
export async function openStorage(
  uri: string,
  options: { migrate?: boolean } = {},
): Promise<Storage> {
  const parsed = parseStoreUri(uri);
  const storage =
    parsed.dialect === 'sqlite'
      ? openSqlite(parsed.path)
      : openPostgres((await import('pg')).default, parsed.connectionString);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(storage);
    } catch (error) {
      await storage.close();
      throw error;
    }
  }
  return storage;
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => allMigrations(storage.dialect) },
    migrationTableName: 'cairn_migrations',
    migrationLockTableName: 'cairn_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/**
 * WAL pages after which a commit copies the WAL back into the database (SQLite's default is
 * 1,000, ~4 MB). Span ingestion dirties ~1-2 MB of scattered index pages per 512-span batch, so
 * the default checkpointed every two or three commits, each one an extra fsync of the database
 * file; at 10,000 (~40 MB) a page rewritten by many commits is copied once, and commits spend
 * ~20% less CPU (measured on OTLP ingestion). The WAL file keeps that size on disk.
 */
const walCheckpointPages = 10_000;

function openSqlite(path: string): Storage {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  // WAL lets readers run beside the writer. A commit is durable before we answer: synced by
  // SQLite itself in memory (nothing to sync), by WalSync on the thread pool for a file.
  sqlite.pragma('journal_mode = WAL');
  const walSync = path === ':memory:' ? undefined : new WalSync(`${path}-wal`);
  sqlite.pragma(walSync ? 'synchronous = NORMAL' : 'synchronous = FULL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma(`wal_autocheckpoint = ${walCheckpointPages}`);
  const db = new Kysely<DatabaseSchema>({
    dialect: new ImmediateSqliteDialect({ database: sqlite }),
  });
  return {
    db,
    dialect: 'sqlite',
    sqlite,
    writes: new WriteQueue(db, walSync ? { durable: () => walSync.sync() } : {}),
    close: async () => {
      await walSync?.close();
      await db.destroy();
    },
  };
}

/** `pg` is imported only for a PostgreSQL store (~3.5 MB a SQLite server does not need). */
function openPostgres(driver: typeof pg, connectionString: string): Storage {
  const pool = new driver.Pool({
    connectionString,
    max: 10,
    // int8 columns (ids, timestamps, steps) fit in a double well past any real value.
    types: {
      getTypeParser: (oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (value: string) => Number(value) : driver.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', writes: new WriteQueue(db), close: () => db.destroy() };
}
