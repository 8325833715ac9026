import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import { traceKeyTables } from '../tracing/trace-key-tables.js';

/** Span attribute the SDK (and gateway traces) record time to first token in, milliseconds. */
export const ttftAttribute = 'cairn.llm.timeToFirstTokenMs';

/**
 * A query selecting `bucket` and `v`, the time to first token of every LLM span (aliased `s`)
 * matching `scope` that recorded a number for it. On SQLite the expression is exactly the one
 * migration 015 indexes (under the same partial-index condition), so it is read from the index
 * instead of parsing each span's attributes. PostgreSQL's json type reparses on every access,
 * so the attribute is extracted once per span behind an OFFSET 0 fence, and only for spans
 * whose attributes mention it.
 */
export function ttftSourceSql(
  dialect: StorageDialect,
  bucket: RawBuilder<number>,
  scope: RawBuilder<boolean>,
): RawBuilder<unknown> {
  if (dialect === 'sqlite') {
    const value = sql`json_extract(s.attributes, '$."cairn.llm.timeToFirstTokenMs"')`;
    // The span table itself, not the view over it (see tracing/trace-key-tables.ts).
    return sql`select ${bucket} as bucket, ${value} as v from ${sql.table(traceKeyTables(dialect).spans)} s
      where ${scope} and s.span_type in ('CHAT_MODEL', 'LLM') and ${value} is not null
        and typeof(${value}) in ('integer', 'real')`;
  }
  return sql`select bucket, ttft_text::double precision as v from (
      select ${bucket} as bucket, s.attributes::json ->> ${ttftAttribute} as ttft_text from spans s
      where ${scope} and s.span_type in ('CHAT_MODEL', 'LLM')
        and s.attributes like ${`%"${ttftAttribute}"%`} offset 0) extracted
    where ttft_text ~ '^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$'`;
}

/**
 * The `exception.type` of the first `exception` event of a span's `events` JSON column, as SQL;
 * null when it recorded none.
 */
export function exceptionTypeSql(
  dialect: StorageDialect,
  events: RawBuilder<unknown>,
): RawBuilder<string | null> {
  if (dialect === 'sqlite') {
    return sql`(select json_extract(e.value, '$.attributes."exception.type"') from json_each(${events}) e
      where json_extract(e.value, '$.name') = 'exception'
        and json_extract(e.value, '$.attributes."exception.type"') is not null limit 1)`;
  }
  return sql`(select e -> 'attributes' ->> 'exception.type' from json_array_elements(${events}::json) e
    where e ->> 'name' = 'exception' and e -> 'attributes' ->> 'exception.type' is not null limit 1)`;
}

/** A text field of an assessment's JSON `body` by path (e.g. source → source_type), as SQL. */
export function bodyFieldSql(
  dialect: StorageDialect,
  body: RawBuilder<unknown>,
  path: readonly [string, string],
): RawBuilder<string | null> {
  if (dialect === 'sqlite') {
    return sql`json_extract(${body}, ${`$.${path[0]}.${path[1]}`})`;
  }
  return sql`(${body}::json -> ${path[0]} ->> ${path[1]})`;
}
