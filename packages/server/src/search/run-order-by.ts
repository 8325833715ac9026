import { invalidParameter } from '../errors.js';
import { parseOrderBy } from './order-by-parser.js';
import { type RunColumn, runAttribute } from './run-attributes.js';
import { searchEntityOf } from './search-entity.js';

/** One validated order_by item of a runs search. */
export type RunOrder = { ascending: boolean } & (
  | { type: 'metric' | 'param' | 'tag'; key: string }
  | { type: 'attribute'; column: RunColumn; numeric: boolean }
);

/**
 * Parses `runs/search` order_by items. Metrics, params, tags and run attributes (with the
 * `created` and `run name` aliases) may be ordered on; naming the same field twice is refused.
 */
export function parseRunOrderBy(orderBy: readonly string[]): RunOrder[] {
  const seen = new Set<string>();
  return orderBy.map((text): RunOrder => {
    const { identifier, ascending } = parseOrderBy(text);
    const entity = searchEntityOf(identifier, ['metric', 'param', 'tag', 'attribute']);
    let order: RunOrder;
    if (entity === 'attribute') {
      const attribute = runAttribute(identifier.key, 'order_by');
      order = { type: 'attribute', ascending, ...attribute };
    } else {
      order = { type: entity as 'metric' | 'param' | 'tag', key: identifier.key, ascending };
    }
    const field =
      order.type === 'attribute' ? `attribute:${order.column}` : `${order.type}:${order.key}`;
    if (seen.has(field))
      throw invalidParameter(
        `\`order_by\` contains duplicate fields: [${orderBy.map((item) => `'${item}'`).join(', ')}]`,
      );
    seen.add(field);
    return order;
  });
}
