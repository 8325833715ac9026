import { invalidParameter } from '../errors.js';
import type { Identifier } from './filter-parser.js';

/** What an identifier's prefix names. */
export type SearchEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

const entityAliases: Record<string, SearchEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

const entityNames: Record<SearchEntity, string> = {
  metric: 'metric',
  param: 'parameter',
  tag: 'tag',
  attribute: 'attribute',
  dataset: 'dataset',
};

/**
 * The entity an identifier names (a bare key is an attribute), limited to `allowed`.
 * Prefixes are matched case-insensitively: `metrics.`, `metric.`, `params.`, `attr.`, `run.`…
 */
export function searchEntityOf(
  identifier: Identifier,
  allowed: readonly SearchEntity[],
): SearchEntity {
  if (identifier.prefix === undefined) return 'attribute';
  const entity = entityAliases[identifier.prefix.toLowerCase()];
  if (entity === undefined || !allowed.includes(entity)) {
    const valid = allowed.map((name) => `'${entityNames[name]}'`).join(', ');
    throw invalidParameter(
      `Invalid entity type '${identifier.prefix}' in '${identifier.source}'. Valid values are [${valid}].`,
    );
  }
  return entity;
}
