import { invalidParameter } from '../errors.js';
import type { Comparator, Comparison } from './filter-parser.js';

/** A comparison of a text column: exact, LIKE (case-sensitive), ILIKE, or membership in a list. */
export type TextMatch =
  | { comparator: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { comparator: 'IN' | 'NOT IN'; values: string[] };

/** A comparison of a numeric column. */
export interface NumberMatch {
  comparator: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: number;
}

/** Comparators that numbers (metrics, timestamps) accept. */
export const numericComparators = ['=', '!=', '<', '<=', '>', '>='] as const;
/** Comparators that single text values (params, tags, names) accept. */
export const textComparators = ['=', '!=', 'LIKE', 'ILIKE'] as const;
/** Text comparators plus list membership (run_id, datasets). */
export const listTextComparators = [...textComparators, 'IN', 'NOT IN'] as const;

/** Checks the comparator against the ones a key accepts, naming the clause when it does not fit. */
export function checkComparator(
  comparison: Comparison,
  allowed: readonly Comparator[],
  what: string,
): void {
  if (!allowed.includes(comparison.comparator))
    throw invalidParameter(
      `Invalid comparator '${comparison.comparator}' not one of [${allowed.map((c) => `'${c}'`).join(', ')}] for ${what} in clause '${comparison.source}' (character ${comparison.position}).`,
    );
}

/** A numeric comparison; the value must be a number literal. */
export function numberMatch(comparison: Comparison, what: string): NumberMatch {
  checkComparator(comparison, numericComparators, what);
  if (comparison.value.kind !== 'number')
    throw invalidParameter(
      `Expected numeric value type for ${what}. Found ${comparison.value.source} in clause '${comparison.source}' (character ${comparison.position}).`,
    );
  return {
    comparator: comparison.comparator as NumberMatch['comparator'],
    value: comparison.value.value,
  };
}

/** A text comparison; the value must be a quoted string, or a list for IN / NOT IN when allowed. */
export function textMatch(
  comparison: Comparison,
  allowed: readonly Comparator[],
  what: string,
): TextMatch {
  checkComparator(comparison, allowed, what);
  const { value, comparator } = comparison;
  if (value.kind === 'list')
    return { comparator: comparator as 'IN' | 'NOT IN', values: value.values };
  if (value.kind !== 'string')
    throw invalidParameter(
      `Expected a quoted string value for ${what} (e.g. 'my-value'). Got value ${value.source} in clause '${comparison.source}' (character ${comparison.position}).`,
    );
  return { comparator: comparator as '=' | '!=' | 'LIKE' | 'ILIKE', value: value.value };
}
