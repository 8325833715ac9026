import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testMigrator } from '../../test-kit/test-migrator.js';
import { openStorage, type Storage } from '../index.js';

describe('migration 008 on SQLite', () => {
  let storage: Storage | undefined;
  let dir = '';
  afterEach(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds spans without the (trace, span) key, keeping rows and the other indexes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-008-'));
    storage = await openStorage(`sqlite:///${join(dir, 'c.db')}`, { migrate: false });
    const migrator = testMigrator(storage);
    expect((await migrator.migrateTo('007-evaluation')).error).toBeUndefined();
    const insert = (spanId: string, start: number, type: string) =>
      sql`insert into spans (trace_id, span_id, otel_trace_id, name, span_type, start_time_ns,
          status, attributes)
        values ('tr-1', ${spanId}, '1', ${`s-${spanId}`}, ${type}, ${start}, 'OK', '{}')`.execute(
        storage!.db,
      );
    await insert('b', 2, 'TOOL');
    await insert('a', 1, 'CHAIN');
    await expect(insert('a', 3, 'CHAIN')).rejects.toThrow(/UNIQUE/);

    expect((await migrator.migrateTo('008-tracing-ingest')).error).toBeUndefined();
    const rows = await sql<{ span_id: string; name: string }>`select span_id, name from spans
      where trace_id = 'tr-1' order by start_time_ns`.execute(storage.db);
    expect(rows.rows).toEqual([
      { span_id: 'a', name: 's-a' },
      { span_id: 'b', name: 's-b' },
    ]);
    const indexes = await sql<{ name: string }>`select name from sqlite_master
      where type = 'index' and tbl_name = 'spans' order by name`.execute(storage.db);
    expect(indexes.rows.map((row) => row.name)).toEqual([
      'spans_tool_start_idx',
      'spans_trace_start_idx',
      'spans_ttft_idx',
    ]);
    // The span writer, not a key, keeps (trace, span) unique now.
    await insert('a', 3, 'CHAIN');
  });
});
