import { invalidParameter } from '../errors.js';
import { parseFilter } from './filter-parser.js';
import { parseOrderBy } from './order-by-parser.js';
import {
  type NumberMatch,
  numberMatch,
  type TextMatch,
  textComparators,
  textMatch,
} from './search-clause.js';
import { searchEntityOf } from './search-entity.js';

/** A column of `experiments` that filters and order_by items may name. */
export type ExperimentColumn = 'name' | 'experiment_id' | 'creation_time' | 'last_update_time';

/** One validated clause of an experiments filter. */
export type ExperimentClause =
  | { type: 'tag'; key: string; match: TextMatch }
  | { type: 'text-attribute'; column: ExperimentColumn; match: TextMatch }
  | { type: 'number-attribute'; column: ExperimentColumn; match: NumberMatch };

/** One validated order_by item of an experiments search. */
export interface ExperimentOrder {
  column: ExperimentColumn;
  ascending: boolean;
}

const filterable: readonly ExperimentColumn[] = ['name', 'creation_time', 'last_update_time'];
const orderable: readonly ExperimentColumn[] = [
  'name',
  'experiment_id',
  'creation_time',
  'last_update_time',
];

/**
 * Parses and type-checks an `experiments/search` filter: `name` (`= != LIKE ILIKE`),
 * `creation_time` and `last_update_time` (`= != < <= > >=`), and `tags.<key>` (`= != LIKE ILIKE`).
 */
export function parseExperimentFilter(filter: string | undefined): ExperimentClause[] {
  if (!filter) return [];
  return parseFilter(filter).map((comparison): ExperimentClause => {
    const { identifier } = comparison;
    const entity = searchEntityOf(identifier, ['attribute', 'tag']);
    if (entity === 'tag')
      return {
        type: 'tag',
        key: identifier.key,
        match: textMatch(comparison, textComparators, 'tag'),
      };
    const column = checkColumn(identifier.key, filterable);
    if (column === 'name')
      return {
        type: 'text-attribute',
        column,
        match: textMatch(comparison, textComparators, 'attribute: name'),
      };
    return {
      type: 'number-attribute',
      column,
      match: numberMatch(comparison, `numeric attribute: ${column}`),
    };
  });
}

/** Parses `experiments/search` order_by items; only attributes may be ordered on. */
export function parseExperimentOrderBy(orderBy: readonly string[]): ExperimentOrder[] {
  return orderBy.map((text) => {
    const { identifier, ascending } = parseOrderBy(text);
    const entity = searchEntityOf(identifier, ['attribute', 'tag']);
    if (entity !== 'attribute')
      throw invalidParameter(`Invalid order_by entity: ${entity} (in '${text}')`);
    return { column: checkColumn(identifier.key, orderable), ascending };
  });
}

function checkColumn(key: string, valid: readonly ExperimentColumn[]): ExperimentColumn {
  if (!valid.includes(key as ExperimentColumn))
    throw invalidParameter(
      `Invalid attribute key '${key}' specified. Valid keys are [${valid.map((name) => `'${name}'`).join(', ')}]`,
    );
  return key as ExperimentColumn;
}
