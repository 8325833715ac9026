import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import { globPattern, likePattern } from './like-pattern.js';
import type { NumberMatch, TextMatch } from './search-clause.js';

/**
 * SQL for a text comparison, with the value bound as a parameter. `=`, `!=`, LIKE and IN are
 * case-sensitive on both backends; ILIKE is case-insensitive (ASCII only on SQLite).
 */
export function textMatchSql(
  dialect: StorageDialect,
  column: RawBuilder<unknown>,
  match: TextMatch,
): RawBuilder<unknown> {
  switch (match.comparator) {
    case '=':
      return sql`${column} = ${match.value}`;
    case '!=':
      return sql`${column} <> ${match.value}`;
    case 'LIKE':
      return dialect === 'sqlite'
        ? sql`${column} glob ${globPattern(match.value)}`
        : sql`${column} like ${likePattern(match.value)}`;
    case 'ILIKE':
      return dialect === 'sqlite'
        ? sql`${column} like ${likePattern(match.value)} escape '\\'`
        : sql`${column} ilike ${likePattern(match.value)}`;
    case 'IN':
      return sql`${column} in (${sql.join(match.values)})`;
    case 'NOT IN':
      return sql`${column} not in (${sql.join(match.values)})`;
  }
}

const operators = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' } as const;

/** SQL for a comparison of a floating-point column (metric values). */
export function realMatchSql(column: RawBuilder<unknown>, match: NumberMatch): RawBuilder<unknown> {
  return sql`${column} ${sql.raw(operators[match.comparator])} ${match.value}`;
}

/**
 * SQL for a comparison of an integer column (timestamps, ids). A fractional or huge bound is
 * turned into the equivalent integer one, so PostgreSQL never sees `1.5` for a bigint and the
 * column's index stays usable.
 */
export function integerMatchSql(
  column: RawBuilder<unknown>,
  match: NumberMatch,
): RawBuilder<unknown> {
  const { comparator, value } = match;
  if (!Number.isInteger(value) || !Number.isSafeInteger(value)) {
    if (comparator === '=') return sql`1 = 0`;
    if (comparator === '!=') return sql`${column} is not null`;
    const bound = Math.max(
      -Number.MAX_SAFE_INTEGER,
      Math.min(
        Number.MAX_SAFE_INTEGER,
        comparator === '>' || comparator === '<=' ? Math.floor(value) : Math.ceil(value),
      ),
    );
    return sql`${column} ${sql.raw(operators[comparator])} ${bound}`;
  }
  return sql`${column} ${sql.raw(operators[comparator])} ${value}`;
}
