import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { testMigrator } from '../../test-kit/test-migrator.js';
import { deleteTraceRows } from '../../tracing/trace-store.js';
import type { Storage } from '../index.js';

describe.each(testBackends().filter((backend) => backend.name === 'sqlite'))(
  'migration 015 on $name',
  (backend) => {
    let storage: Storage | undefined;
    afterEach(async () => {
      await storage?.close();
      storage = undefined;
    });

    async function migratedWithTwoTraces(): Promise<Storage> {
      storage = await backend.open({ migrate: false });
      const db = storage.db;
      const migrator = testMigrator(storage);
      expect((await migrator.migrateTo('014-trace-experiment-index')).error).toBeUndefined();
      // tr-late was written first but starts later: keys follow time.
      for (const [id, time] of [
        ['tr-late', 2000],
        ['tr-early', 1000],
      ] as const) {
        await sql`insert into trace_info (request_id, experiment_id, timestamp_ms, status, user_id)
          values (${id}, 1, ${time}, 'OK', ${`u-${id}`})`.execute(db);
        await sql`insert into spans (trace_id, span_id, otel_trace_id, name, span_type,
            start_time_ns, status, attributes)
          values (${id}, 'root', 'o', ${`root of ${id}`}, 'CHAIN', 1, 'OK', '{}'),
            (${id}, 'tool', 'o', 'search', 'TOOL', 2, 'OK', '{}')`.execute(db);
        await sql`insert into trace_usage (request_id, model, input_tokens, output_tokens,
            total_tokens, cost, span_count)
          values (${id}, 'gpt-4o', 3, 4, 7, 0.5, 1)`.execute(db);
        await sql`insert into trace_request_metadata (request_id, key, value)
          values (${id}, 'mlflow.trace.user', ${`u-${id}`})`.execute(db);
      }
      expect((await migrator.migrateTo('015-trace-keys')).error).toBeUndefined();
      return storage;
    }

    it('keeps every trace, span, usage and metadata row, read through views as before', async () => {
      const db = (await migratedWithTwoTraces()).db;
      const keys = await sql<{ request_id: string; trace_key: number; user_id: string }>`
        select request_id, trace_key, user_id from trace_info order by trace_key`.execute(db);
      expect(keys.rows).toEqual([
        { request_id: 'tr-early', trace_key: 1, user_id: 'u-tr-early' },
        { request_id: 'tr-late', trace_key: 2, user_id: 'u-tr-late' },
      ]);
      const spans = await sql<{ trace_id: string; span_id: string; name: string }>`
        select trace_id, span_id, name from spans where trace_id = 'tr-late'
        order by start_time_ns`.execute(db);
      expect(spans.rows).toEqual([
        { trace_id: 'tr-late', span_id: 'root', name: 'root of tr-late' },
        { trace_id: 'tr-late', span_id: 'tool', name: 'search' },
      ]);
      const usage = await db
        .selectFrom('trace_usage')
        .select(['request_id', 'model', 'total_tokens', 'cost'])
        .orderBy('request_id')
        .execute();
      expect(usage).toEqual([
        { request_id: 'tr-early', model: 'gpt-4o', total_tokens: 7, cost: 0.5 },
        { request_id: 'tr-late', model: 'gpt-4o', total_tokens: 7, cost: 0.5 },
      ]);
      const metadata = await db
        .selectFrom('trace_request_metadata')
        .select(['request_id', 'value'])
        .where('key', '=', 'mlflow.trace.user')
        .where('value', '=', 'u-tr-early')
        .execute();
      expect(metadata).toEqual([{ request_id: 'tr-early', value: 'u-tr-early' }]);
      // (request_id) stays unique on the rebuilt trace_info.
      await expect(
        sql`insert into trace_info (request_id, experiment_id, timestamp_ms, status)
          values ('tr-late', 1, 1, 'OK')`.execute(db),
      ).rejects.toThrow(/UNIQUE/);
    });

    it('reads by request id through the key indexes', async () => {
      const db = (await migratedWithTwoTraces()).db;
      const plan = async (query: string) =>
        (await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(db)).rows
          .map((row) => row.detail)
          .join(' | ');
      const spansOfTrace = await plan(
        `select * from spans where trace_id = 'tr-late' order by start_time_ns, span_id limit 10`,
      );
      expect(spansOfTrace).toMatch(/SEARCH t USING COVERING INDEX sqlite_autoindex_trace_info/);
      expect(spansOfTrace).toMatch(/span_rows_trace_start_idx/);
      expect(spansOfTrace).not.toMatch(/SCAN/);
      expect(
        await plan(
          `select request_id from trace_request_metadata where key = 'mlflow.trace.user' and value = 'x'`,
        ),
      ).toMatch(/COVERING INDEX trace_metadata_rows_key_value_idx/);
      expect(
        await plan(`select name, count(*) from spans where span_type = 'TOOL' group by name`),
      ).toMatch(/span_rows_tool_start_idx/);
      expect(
        await plan(`select json_extract(s.attributes, '$."cairn.llm.timeToFirstTokenMs"') from spans s
          where s.start_time_ns > 0 and s.span_type in ('CHAT_MODEL', 'LLM')
            and json_extract(s.attributes, '$."cairn.llm.timeToFirstTokenMs"') is not null`),
      ).toMatch(/span_rows_ttft_idx/);
    });

    it('takes inserts into the views by request id, with the statement’s conflict policy', async () => {
      const db = (await migratedWithTwoTraces()).db;
      const insertUser = (verb: string, value: string) =>
        sql`${sql.raw(verb)} into trace_request_metadata (request_id, key, value)
          values ('tr-late', 'mlflow.trace.user', ${value})`.execute(db);
      await expect(insertUser('insert', 'again')).rejects.toThrow(/UNIQUE/);
      await insertUser('insert or ignore', 'ignored');
      const user = () =>
        db
          .selectFrom('trace_request_metadata')
          .select('value')
          .where('request_id', '=', 'tr-late')
          .where('key', '=', 'mlflow.trace.user')
          .executeTakeFirst();
      expect(await user()).toEqual({ value: 'u-tr-late' });
      await insertUser('insert or replace', 'replaced');
      expect(await user()).toEqual({ value: 'replaced' });
      // A row for a trace that does not exist is refused, not stored without its trace.
      await expect(
        sql`insert into spans (trace_id, span_id, otel_trace_id, name, span_type, start_time_ns,
            status, attributes)
          values ('tr-none', 'x', 'o', 'x', 'CHAIN', 1, 'OK', '{}')`.execute(db),
      ).rejects.toThrow(/NOT NULL/);
    });

    it('deletes a trace with every row keyed by it', async () => {
      const sqliteStorage = await migratedWithTwoTraces();
      const db = sqliteStorage.db;
      await sqliteStorage.writes.run((trx) => deleteTraceRows(trx, 'sqlite', ['tr-late']));
      const count = async (table: string) =>
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db))
          .rows[0]!.n;
      expect(await count('trace_info')).toBe(1);
      expect(await count('span_rows')).toBe(2);
      expect(await count('trace_usage_rows')).toBe(1);
      expect(await count('trace_metadata_rows')).toBe(1);
      const left = await sql<{ trace_id: string }>`select distinct trace_id from spans`.execute(db);
      expect(left.rows).toEqual([{ trace_id: 'tr-early' }]);
    });
  },
);
