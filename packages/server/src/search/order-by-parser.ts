import { invalidParameter } from '../errors.js';
import { type Identifier, identifierFrom } from './filter-parser.js';
import { tokenize } from './filter-tokenizer.js';

/** One parsed order_by item: `<identifier> [ASC|DESC]`, ascending unless DESC is given. */
export interface OrderByItem {
  identifier: Identifier;
  ascending: boolean;
}

/** Parses one MLflow order_by string such as `metrics.acc DESC` or ``tags.`my key` ``. */
export function parseOrderBy(text: string): OrderByItem {
  const tokens = tokenize(text, 'order_by clause');
  const [first, direction, ...rest] = tokens;
  const identifier = first && identifierFrom(first, `order_by clause '${text}'`);
  if (!identifier || rest.length > 0)
    throw invalidParameter(`Invalid order_by clause '${text}'. Could not be parsed.`);
  if (direction === undefined) return { identifier, ascending: true };
  if (direction.kind !== 'keyword' || (direction.keyword !== 'ASC' && direction.keyword !== 'DESC'))
    throw invalidParameter(
      `Invalid ordering key in order_by clause '${text}': expected ASC or DESC, found '${direction.source}'.`,
    );
  return { identifier, ascending: direction.keyword === 'ASC' };
}
