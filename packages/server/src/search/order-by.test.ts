import { describe, expect, it } from 'vitest';
import { parseExperimentFilter, parseExperimentOrderBy } from './experiment-filter.js';
import { parseRunOrderBy } from './run-order-by.js';

describe('parseRunOrderBy', () => {
  it('reads identifiers with an optional direction in any case', () => {
    expect(
      parseRunOrderBy([
        'metrics.acc DESC',
        'params.lr',
        'tags.`my key` asc',
        'attributes.start_time Desc',
        'end_time',
        '`Run name`',
        'metric."val loss" DESC',
        'experiment_id',
      ]),
    ).toEqual([
      { type: 'metric', key: 'acc', ascending: false },
      { type: 'param', key: 'lr', ascending: true },
      { type: 'tag', key: 'my key', ascending: true },
      { type: 'attribute', column: 'start_time', numeric: true, ascending: false },
      { type: 'attribute', column: 'end_time', numeric: true, ascending: true },
      { type: 'attribute', column: 'name', numeric: false, ascending: true },
      { type: 'metric', key: 'val loss', ascending: false },
      { type: 'attribute', column: 'experiment_id', numeric: true, ascending: true },
    ]);
    expect(parseRunOrderBy(['Created DESC'])).toEqual([
      { type: 'attribute', column: 'start_time', numeric: true, ascending: false },
    ]);
  });

  it.each([
    [
      'metrics.acc DESC extra',
      /Invalid order_by clause 'metrics.acc DESC extra'. Could not be parsed./,
    ],
    ['metrics.acc sideways', /Invalid ordering key in order_by clause 'metrics.acc sideways'/],
    ['', /Invalid order_by clause ''. Could not be parsed./],
    ["'metrics.acc'", /Could not be parsed/],
    ['datasets.name', /Invalid entity type 'datasets'/],
    ['nope', /Invalid attribute key 'nope' specified/],
    ['metrics.a = 1', /Could not be parsed/],
  ])('refuses %s', (text, message) => {
    expect(() => parseRunOrderBy([text])).toThrow(message);
  });

  it('refuses the same field twice, aliases included', () => {
    expect(() => parseRunOrderBy(['metrics.a', 'metric.a DESC'])).toThrow(
      /`order_by` contains duplicate fields/,
    );
    expect(() => parseRunOrderBy(['start_time', 'created DESC'])).toThrow(/duplicate fields/);
    expect(parseRunOrderBy(['metrics.a', 'params.a', 'tags.a'])).toHaveLength(3);
  });
});

describe('experiment filters and order_by', () => {
  it('reads name, times and tags', () => {
    expect(
      parseExperimentFilter(
        "name LIKE 'exp%' and creation_time > 5 and attributes.last_update_time <= 7 and tags.team = 'a'",
      ),
    ).toEqual([
      { type: 'text-attribute', column: 'name', match: { comparator: 'LIKE', value: 'exp%' } },
      { type: 'number-attribute', column: 'creation_time', match: { comparator: '>', value: 5 } },
      {
        type: 'number-attribute',
        column: 'last_update_time',
        match: { comparator: '<=', value: 7 },
      },
      { type: 'tag', key: 'team', match: { comparator: '=', value: 'a' } },
    ]);
  });

  it.each([
    ['metrics.a > 1', /Invalid entity type 'metrics'/],
    ["experiment_id = '1'", /Invalid attribute key 'experiment_id' specified/],
    ["name in ('a')", /Invalid comparator 'IN'/],
    ['name = 1', /Expected a quoted string value/],
    ["creation_time = 'x'", /Expected numeric value type for numeric attribute: creation_time/],
    ['creation_time like 5', /Invalid comparator 'LIKE'/],
    ["tags.t > 'a'", /Invalid comparator '>'/],
  ])('refuses the filter %s', (filter, message) => {
    expect(() => parseExperimentFilter(filter)).toThrow(message);
  });

  it('orders by attributes only', () => {
    expect(parseExperimentOrderBy(['name', 'experiment_id DESC', 'last_update_time asc'])).toEqual([
      { column: 'name', ascending: true },
      { column: 'experiment_id', ascending: false },
      { column: 'last_update_time', ascending: true },
    ]);
    expect(() => parseExperimentOrderBy(['tags.a'])).toThrow(/Invalid order_by entity: tag/);
    expect(() => parseExperimentOrderBy(['lifecycle_stage'])).toThrow(/Invalid attribute key/);
  });
});
