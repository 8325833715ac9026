import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { testMigrator } from '../../test-kit/test-migrator.js';
import type { Storage } from '../index.js';

describe.each(testBackends())('migration 013 on $name', (backend) => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it('keeps every metadata row and its lookups; on SQLite the table is its own covering index', async () => {
    storage = await backend.open({ migrate: false });
    const db = storage.db;
    const migrator = testMigrator(storage);
    expect((await migrator.migrateTo('012-trace-scope-columns')).error).toBeUndefined();
    const rows: [string, string, string][] = [
      ['tr-b', 'mlflow.trace.user', 'bob'],
      ['tr-a', 'mlflow.trace.session', 's-1'],
      ['tr-a', 'mlflow.trace.user', 'alice'],
    ];
    for (const [id, key, value] of rows) {
      await sql`insert into trace_request_metadata (request_id, key, value)
        values (${id}, ${key}, ${value})`.execute(db);
    }

    expect((await migrator.migrateTo('013-trace-metadata-without-rowid')).error).toBeUndefined();
    const stored = await db
      .selectFrom('trace_request_metadata')
      .select(['request_id', 'key', 'value'])
      .orderBy('request_id')
      .orderBy('key')
      .execute();
    expect(stored.map((row) => [row.request_id, row.key, row.value])).toEqual([
      ['tr-a', 'mlflow.trace.session', 's-1'],
      ['tr-a', 'mlflow.trace.user', 'alice'],
      ['tr-b', 'mlflow.trace.user', 'bob'],
    ]);
    // (request_id, key) stays unique.
    await expect(
      sql`insert into trace_request_metadata (request_id, key, value)
        values ('tr-a', 'mlflow.trace.user', 'again')`.execute(db),
    ).rejects.toThrow(/unique|duplicate/i);

    if (backend.name !== 'sqlite') return;
    const schema = await sql<{ name: string; sql: string | null }>`select name, sql
      from sqlite_schema where tbl_name = 'trace_request_metadata' order by name`.execute(db);
    const table = schema.rows.find((row) => row.name === 'trace_request_metadata');
    expect(table?.sql).toMatch(/without rowid/i);
    expect(schema.rows.map((row) => row.name)).toEqual([
      'trace_request_metadata',
      'trace_request_metadata_key_value_idx',
    ]);
    const plan = await sql<{ detail: string }>`explain query plan
      select request_id from trace_request_metadata
      where key = 'mlflow.trace.user' and value = 'bob'`.execute(db);
    expect(plan.rows.map((row) => row.detail).join(' ')).toContain(
      'trace_request_metadata_key_value_idx',
    );
  });
});
