import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/**
 * Cheaper span ingestion on SQLite. A `spans` row used to cost three B-tree inserts: the rowid
 * table, the (trace_id, span_id) primary key and the (trace_id, start_time_ns, span_id) paging
 * index. The table is rebuilt without the primary key: rows append to the rowid table and the
 * paging index serves every lookup by trace (a trace's spans, one span by id within a trace).
 * Uniqueness of (trace_id, span_id) is kept by the span writer, which looks up the traces it
 * writes to inside its transaction; SQLite runs one write transaction at a time, so that check
 * is exact. PostgreSQL, where transactions run concurrently, keeps its primary key.
 * The dashboards' partial span indexes (migration 006) are recreated as they were.
 */
export function tracingIngestMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'sqlite') return;
      await db.schema
        .createTable('spans_rebuilt')
        .addColumn('trace_id', 'text', (col) => col.notNull())
        .addColumn('span_id', 'text', (col) => col.notNull())
        .addColumn('parent_span_id', 'text')
        .addColumn('otel_trace_id', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('span_type', 'text', (col) => col.notNull())
        .addColumn('kind', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('start_time_ns', 'bigint', (col) => col.notNull())
        .addColumn('end_time_ns', 'bigint')
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('status_message', 'text')
        .addColumn('model', 'text')
        .addColumn('input_tokens', 'bigint')
        .addColumn('output_tokens', 'bigint')
        .addColumn('total_tokens', 'bigint')
        .addColumn('cost', 'double precision')
        .addColumn('attributes', 'text', (col) => col.notNull())
        .addColumn('events', 'text')
        .addColumn('links', 'text')
        .addColumn('inputs', 'text')
        .addColumn('outputs', 'text')
        .addColumn('truncated', 'text')
        .execute();
      const columns = sql.raw(`trace_id, span_id, parent_span_id, otel_trace_id, name, span_type,
        kind, start_time_ns, end_time_ns, status, status_message, model, input_tokens,
        output_tokens, total_tokens, cost, attributes, events, links, inputs, outputs, truncated`);
      // Copied in paging order, so each trace's rows start out together.
      await sql`insert into spans_rebuilt (${columns}) select ${columns} from spans
        order by trace_id, start_time_ns, span_id`.execute(db);
      await sql`drop table spans`.execute(db);
      await sql`alter table spans_rebuilt rename to spans`.execute(db);
      await db.schema
        .createIndex('spans_trace_start_idx')
        .on('spans')
        .columns(['trace_id', 'start_time_ns', 'span_id'])
        .execute();
      // As in 006-dashboards; the expression must match dashboards/json-sql.ts's ttftSql.
      await db.schema
        .createIndex('spans_tool_start_idx')
        .on('spans')
        .columns(['name', 'start_time_ns', 'status', 'end_time_ns', 'trace_id'])
        .where(sql.ref('span_type'), '=', 'TOOL')
        .execute();
      const ttft = `json_extract(attributes, '$."cairn.llm.timeToFirstTokenMs"')`;
      await sql
        .raw(
          `create index spans_ttft_idx on spans (start_time_ns, ${ttft}, trace_id)
           where span_type in ('CHAT_MODEL', 'LLM') and ${ttft} is not null`,
        )
        .execute(db);
    },
  };
}
