import { type Kysely, type Migration, sql } from 'kysely';
import type { StorageDialect } from '../storage-dialect.js';

/** The span columns other than the trace they belong to, as migration 008 left them. */
export const spanRowColumns = `span_id, parent_span_id, otel_trace_id, name, span_type, kind,
  start_time_ns, end_time_ns, status, status_message, model, input_tokens, output_tokens,
  total_tokens, cost, attributes, events, links, inputs, outputs, truncated`;
// As in 006-dashboards; the expression must match dashboards/json-sql.ts's ttftSql.
const ttft = `json_extract(attributes, '$."cairn.llm.timeToFirstTokenMs"')`;

/**
 * On SQLite, a trace's spans, per-model usage and metadata are keyed by an integer trace key
 * (trace_info's rowid, handed out in insertion order) instead of its request id. Request ids
 * come from OpenTelemetry's random trace ids, so every index led by them took each new trace at a
 * random leaf: counted from the WAL during OTLP ingestion, ~85% of the pages a commit wrote were
 * such scattered leaves, spread over five B-trees. Led by the trace key, a new trace's rows land
 * at the end of each of them; only trace_info's own request id index stays random.
 *
 * The rows move to `span_rows`, `trace_usage_rows` and `trace_metadata_rows`. Views named as the
 * old tables join trace_info back in, so every reader keeps its SQL on both dialects: a lookup by
 * request id finds the key through trace_info's unique index, then the rows by key. Inserts into
 * the views go through INSTEAD OF triggers (an INSERT OR IGNORE/REPLACE on the view applies its
 * conflict policy to the trigger's insert); the span writer and deletes use the tables directly.
 * PostgreSQL keeps its tables; its writes run concurrently and are not bound by this.
 */
export function traceKeysMigration(dialect: StorageDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'sqlite') return;
      await rebuildTraceInfoWithKey(db);
      for (const move of moves) await moveUnderTraceKey(db, move);
    },
  };
}

/**
 * Rebuilds trace_info with `trace_key integer primary key` (an alias of the rowid, which unlike a
 * bare rowid survives VACUUM) and `request_id` unique, keeping every column and index.
 */
async function rebuildTraceInfoWithKey(db: Kysely<unknown>): Promise<void> {
  const columns = (
    await sql<{ name: string; type: string; notnull: number; dflt_value: string | null }>`
      select name, type, "notnull", dflt_value from pragma_table_info('trace_info')`.execute(db)
  ).rows;
  const definitions = columns.map((column) =>
    column.name === 'request_id'
      ? '"request_id" text not null unique'
      : `"${column.name}" ${column.type}${column.notnull ? ' not null' : ''}${
          column.dflt_value === null ? '' : ` default ${column.dflt_value}`
        }`,
  );
  const indexes = (
    await sql<{ sql: string }>`select sql from sqlite_schema
      where type = 'index' and tbl_name = 'trace_info' and sql is not null`.execute(db)
  ).rows;
  const names = columns.map((column) => `"${column.name}"`).join(', ');
  await sql
    .raw(
      `create table trace_info_rebuilt (trace_key integer primary key, ${definitions.join(', ')})`,
    )
    .execute(db);
  // Keys follow time, as they will for new traces.
  await sql
    .raw(
      `insert into trace_info_rebuilt (${names}) select ${names} from trace_info
       order by timestamp_ms, request_id`,
    )
    .execute(db);
  await sql`drop table trace_info`.execute(db);
  await sql`alter table trace_info_rebuilt rename to trace_info`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
}

function prefixed(alias: string, columns: string): string {
  return columns
    .split(',')
    .map((column) => `${alias}.${column.trim()}`)
    .join(', ');
}

function traceKeyOf(requestId: string) {
  return sql.raw(`(select trace_key from trace_info where request_id = ${requestId})`);
}

interface TraceKeyMove {
  /** The table keyed by request id, which becomes a view of the same name and columns. */
  from: string;
  requestColumn: string;
  /** The table keyed by trace key that takes its rows. */
  to: string;
  create: string;
  columns: string;
  /** Copy order after the key, so each trace's rows start out together. */
  order: string;
  indexes: string[];
}

const moves: TraceKeyMove[] = [
  {
    from: 'spans',
    requestColumn: 'trace_id',
    to: 'span_rows',
    create: `create table span_rows (
      trace_key integer not null,
      span_id text not null,
      parent_span_id text,
      otel_trace_id text not null,
      name text not null,
      span_type text not null,
      kind integer not null default 0,
      start_time_ns bigint not null,
      end_time_ns bigint,
      status text not null,
      status_message text,
      model text,
      input_tokens bigint,
      output_tokens bigint,
      total_tokens bigint,
      cost double precision,
      attributes text not null,
      events text,
      links text,
      inputs text,
      outputs text,
      truncated text
    )`,
    columns: spanRowColumns,
    order: 'start_time_ns, span_id',
    indexes: [
      'create index span_rows_trace_start_idx on span_rows (trace_key, start_time_ns, span_id)',
      `create index span_rows_tool_start_idx
        on span_rows (name, start_time_ns, status, end_time_ns, trace_key)
        where span_type = 'TOOL'`,
      `create index span_rows_ttft_idx on span_rows (start_time_ns, ${ttft}, trace_key)
        where span_type in ('CHAT_MODEL', 'LLM') and ${ttft} is not null`,
    ],
  },
  {
    from: 'trace_usage',
    requestColumn: 'request_id',
    to: 'trace_usage_rows',
    create: `create table trace_usage_rows (
      trace_key integer not null,
      model text not null,
      input_tokens bigint not null,
      output_tokens bigint not null,
      total_tokens bigint not null,
      cost double precision not null,
      span_count bigint not null,
      primary key (trace_key, model)
    ) without rowid`,
    columns: 'model, input_tokens, output_tokens, total_tokens, cost, span_count',
    order: 'model',
    indexes: ['create index trace_usage_rows_model_idx on trace_usage_rows (model, trace_key)'],
  },
  {
    from: 'trace_request_metadata',
    requestColumn: 'request_id',
    to: 'trace_metadata_rows',
    create: `create table trace_metadata_rows (
      trace_key integer not null,
      key text not null,
      value text not null,
      primary key (trace_key, key)
    ) without rowid`,
    columns: 'key, value',
    order: 'key',
    // Filters like metadata.`mlflow.trace.session` = 'x' start from the matching rows.
    indexes: [
      'create index trace_metadata_rows_key_value_idx on trace_metadata_rows (key, value, trace_key)',
    ],
  },
];

/**
 * Creates `to`, copies the rows of `from` into it in key order, then replaces `from` by a view of
 * the same name and columns over `to` joined to trace_info, with an INSTEAD OF INSERT trigger
 * that looks the key up; indexes come last. Rows of no stored trace are not copied.
 */
async function moveUnderTraceKey(db: Kysely<unknown>, move: TraceKeyMove): Promise<void> {
  const { from, to, requestColumn, columns } = move;
  const rowColumns = sql.raw(prefixed('r', columns));
  await sql.raw(move.create).execute(db);
  await sql`insert into ${sql.table(to)} (trace_key, ${sql.raw(columns)})
    select t.trace_key, ${rowColumns}
    from ${sql.table(from)} r join trace_info t on t.request_id = r.${sql.ref(requestColumn)}
    order by t.trace_key, ${sql.raw(prefixed('r', move.order))}`.execute(db);
  await sql`drop table ${sql.table(from)}`.execute(db);
  await sql`create view ${sql.table(from)} as
    select t.request_id as ${sql.ref(requestColumn)}, ${rowColumns}
    from ${sql.table(to)} r join trace_info t on t.trace_key = r.trace_key`.execute(db);
  await sql`create trigger ${sql.ref(`${from}_insert`)} instead of insert on ${sql.table(from)} begin
    insert into ${sql.table(to)} (trace_key, ${sql.raw(columns)})
    values (${traceKeyOf(`new.${requestColumn}`)}, ${sql.raw(prefixed('new', columns))});
  end`.execute(db);
  for (const index of move.indexes) await sql.raw(index).execute(db);
}
