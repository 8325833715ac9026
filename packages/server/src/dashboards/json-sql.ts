import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';

/** Span attribute the SDK (and gateway traces) record time to first token in, milliseconds. */
export const ttftAttribute = 'cairn.llm.timeToFirstTokenMs';

/**
 * Time to first token of a span aliased `alias` as SQL (null when absent or not a number). On
 * SQLite the expression is exactly the one migration 006 indexes, so the planner reads it from
 * the partial index instead of parsing each span's attributes.
 */
export function ttftSql(dialect: StorageDialect, alias: string): RawBuilder<number | null> {
  const attributes = sql.ref(`${alias}.attributes`);
  if (dialect === 'sqlite') {
    return sql`json_extract(${attributes}, '$."cairn.llm.timeToFirstTokenMs"')`;
  }
  const text = sql`(${attributes}::json ->> ${ttftAttribute})`;
  return sql`case when ${text} ~ '^[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$' then ${text}::double precision end`;
}

/** A condition keeping only LLM spans whose time to first token is a number (see `ttftSql`). */
export function hasTtftSql(dialect: StorageDialect, alias: string): RawBuilder<boolean> {
  const type = sql.ref(`${alias}.span_type`);
  const value = ttftSql(dialect, alias);
  if (dialect === 'sqlite') {
    // The first two terms are migration 006's partial-index condition, word for word.
    return sql`${type} in ('CHAT_MODEL', 'LLM') and ${value} is not null
      and typeof(${value}) in ('integer', 'real')`;
  }
  return sql`${type} in ('CHAT_MODEL', 'LLM') and ${value} is not null`;
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

const positiveWords = [
  'true',
  'yes',
  'pass',
  'passed',
  'positive',
  'up',
  'thumbs_up',
  'thumbsup',
  'good',
  '👍',
];
const negativeWords = [
  'false',
  'no',
  'fail',
  'failed',
  'negative',
  'down',
  'thumbs_down',
  'thumbsdown',
  'bad',
  '👎',
];

/**
 * An assessment's text `value` as a score, as SQL: decimal numbers as they are, yes/true/👍-like
 * words as 1 and no/false/👎-like words as 0 (case-insensitive, JSON quotes ignored), else null.
 */
export function scoreSql(
  dialect: StorageDialect,
  value: RawBuilder<unknown>,
): RawBuilder<number | null> {
  const word =
    dialect === 'sqlite' ? sql`lower(trim(${value}, '"'))` : sql`lower(btrim(${value}, '"'))`;
  const numeric =
    dialect === 'sqlite'
      ? sql`case when ${value} glob '[0-9]*' or ${value} glob '-[0-9]*' or ${value} glob '.[0-9]*'
          then cast(${value} as real) end`
      : sql`case when ${value} ~ '^-?[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?$' then ${value}::double precision end`;
  return sql`case when ${word} in (${sql.join(positiveWords)}) then 1.0
    when ${word} in (${sql.join(negativeWords)}) then 0.0 else ${numeric} end`;
}
