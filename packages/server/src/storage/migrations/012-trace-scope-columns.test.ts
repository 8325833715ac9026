import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { testMigrator } from '../../test-kit/test-migrator.js';
import type { Storage } from '../index.js';

describe.each(testBackends())('migration 012 on $name', (backend) => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it("copies each stored trace's user, session and route metadata into trace_info", async () => {
    storage = await backend.open({ migrate: false });
    const db = storage.db;
    const migrator = testMigrator(storage);
    expect((await migrator.migrateTo('011-dashboard-queries')).error).toBeUndefined();
    for (const id of ['tr-full', 'tr-user-only', 'tr-none']) {
      await sql`insert into trace_info (request_id, experiment_id, timestamp_ms, status)
        values (${id}, 0, 1000, 'OK')`.execute(db);
    }
    const metadata: [string, string, string][] = [
      ['tr-full', 'mlflow.trace.user', 'alice'],
      ['tr-full', 'mlflow.trace.session', 's-1'],
      ['tr-full', 'cairn.gateway.route', 'chat'],
      ['tr-full', 'mlflow.sourceRun', 'run-1'],
      ['tr-user-only', 'mlflow.trace.user', 'bob'],
      ['tr-none', 'other', 'x'],
    ];
    for (const [id, key, value] of metadata) {
      await sql`insert into trace_request_metadata (request_id, key, value)
        values (${id}, ${key}, ${value})`.execute(db);
    }

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const rows = await db
      .selectFrom('trace_info')
      .select(['request_id', 'user_id', 'session_id', 'route'])
      .orderBy('request_id')
      .execute();
    expect(rows).toEqual([
      { request_id: 'tr-full', user_id: 'alice', session_id: 's-1', route: 'chat' },
      { request_id: 'tr-none', user_id: null, session_id: null, route: null },
      { request_id: 'tr-user-only', user_id: 'bob', session_id: null, route: null },
    ]);
  });
});
