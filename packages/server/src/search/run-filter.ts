import { invalidParameter } from '../errors.js';
import { type Comparison, parseFilter } from './filter-parser.js';
import { type RunColumn, runAttribute } from './run-attributes.js';
import {
  listTextComparators,
  type NumberMatch,
  numberMatch,
  type TextMatch,
  textComparators,
  textMatch,
} from './search-clause.js';
import { searchEntityOf } from './search-entity.js';

/** A dataset field a filter can name; `context` is the input tag `mlflow.data.context`. */
export type DatasetField = 'name' | 'digest' | 'context';

/** One validated clause of a runs filter. */
export type RunClause =
  | { type: 'metric'; key: string; match: NumberMatch }
  | { type: 'param' | 'tag'; key: string; match: TextMatch }
  | { type: 'text-attribute'; column: RunColumn; match: TextMatch }
  | { type: 'number-attribute'; column: RunColumn; match: NumberMatch }
  | { type: 'dataset'; field: DatasetField; match: TextMatch };

const datasetFields: readonly DatasetField[] = ['name', 'digest', 'context'];

/**
 * Parses and type-checks a `runs/search` filter, applying MLflow's rules: metrics and time
 * attributes take numbers and `= != < <= > >=`; params, tags and string attributes take quoted
 * strings and `= != LIKE ILIKE`; `run_id` and dataset fields also take `IN` / `NOT IN` lists.
 */
export function parseRunFilter(filter: string | undefined): RunClause[] {
  if (!filter) return [];
  return parseFilter(filter).map(runClauseOf);
}

function runClauseOf(comparison: Comparison): RunClause {
  const { identifier } = comparison;
  const entity = searchEntityOf(identifier, ['metric', 'param', 'tag', 'attribute', 'dataset']);
  switch (entity) {
    case 'metric':
      return { type: 'metric', key: identifier.key, match: numberMatch(comparison, 'metric') };
    case 'param':
    case 'tag':
      return {
        type: entity,
        key: identifier.key,
        match: textMatch(comparison, textComparators, entity),
      };
    case 'dataset': {
      const field = identifier.key as DatasetField;
      if (!datasetFields.includes(field))
        throw invalidParameter(
          `Invalid dataset key '${identifier.key}' specified. Valid keys are ['name', 'digest', 'context']`,
        );
      const match = textMatch(comparison, listTextComparators, 'dataset attributes');
      return { type: 'dataset', field, match };
    }
    case 'attribute': {
      const attribute = runAttribute(identifier.key, 'filter');
      if (attribute.numeric)
        return {
          type: 'number-attribute',
          column: attribute.column,
          match: numberMatch(comparison, `numeric attribute: ${identifier.key}`),
        };
      const match = textMatch(comparison, listTextComparators, 'attributes');
      if ('values' in match && attribute.column !== 'run_uuid')
        throw invalidParameter(
          `Only the 'run_id' attribute supports comparison with a list of quoted string values (clause '${comparison.source}').`,
        );
      return { type: 'text-attribute', column: attribute.column, match };
    }
  }
}
