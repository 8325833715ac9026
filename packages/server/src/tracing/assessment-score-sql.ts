import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';

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
