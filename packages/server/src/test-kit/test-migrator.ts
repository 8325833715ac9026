import { Migrator } from 'kysely';
import type { Storage } from '../storage/index.js';
import { allMigrations } from '../storage/migrations/index.js';

/** A migrator over the server's migrations and tables, for tests that stop at a given one. */
export function testMigrator(storage: Storage): Migrator {
  return new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => allMigrations(storage.dialect) },
    migrationTableName: 'cairn_migrations',
    migrationLockTableName: 'cairn_migrations_lock',
  });
}
