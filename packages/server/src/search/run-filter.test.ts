import { describe, expect, it } from 'vitest';
import { CairnError } from '../errors.js';
import { parseRunFilter, type RunClause } from './run-filter.js';

function only(filter: string): RunClause {
  const clauses = parseRunFilter(filter);
  expect(clauses).toHaveLength(1);
  return clauses[0]!;
}

function errorOf(filter: string): string {
  try {
    parseRunFilter(filter);
  } catch (error) {
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).errorCode).toBe('INVALID_PARAMETER_VALUE');
    return (error as Error).message;
  }
  throw new Error(`no error for ${filter}`);
}

describe('parseRunFilter identifiers', () => {
  it('reads every entity prefix, case-insensitively', () => {
    for (const prefix of ['metric', 'metrics', 'METRICS'])
      expect(only(`${prefix}.acc > 1`)).toMatchObject({ type: 'metric', key: 'acc' });
    for (const prefix of ['param', 'params', 'parameter', 'parameters'])
      expect(only(`${prefix}.lr = '1'`)).toMatchObject({ type: 'param', key: 'lr' });
    for (const prefix of ['tag', 'tags'])
      expect(only(`${prefix}.team = 'a'`)).toMatchObject({ type: 'tag', key: 'team' });
    for (const prefix of ['attribute', 'attributes', 'attr', 'run'])
      expect(only(`${prefix}.status = 'FINISHED'`)).toMatchObject({
        type: 'text-attribute',
        column: 'status',
      });
    for (const prefix of ['dataset', 'datasets'])
      expect(only(`${prefix}.name = 'd'`)).toMatchObject({ type: 'dataset', field: 'name' });
  });

  it('treats a bare key as an attribute and maps the aliases', () => {
    expect(only(`status = 'RUNNING'`)).toMatchObject({ type: 'text-attribute', column: 'status' });
    expect(only('created > 5')).toMatchObject({ type: 'number-attribute', column: 'start_time' });
    expect(only('Created > 5')).toMatchObject({ column: 'start_time' });
    expect(only(`run_id = 'a'`)).toMatchObject({ column: 'run_uuid' });
    expect(only(`run_name = 'a'`)).toMatchObject({ column: 'name' });
    expect(only("`Run name` = 'a'")).toMatchObject({ column: 'name' });
    expect(only(`"run name" = 'a'`)).toMatchObject({ column: 'name' });
    expect(only("attributes.`Run Name` = 'a'")).toMatchObject({ column: 'name' });
    for (const key of ['user_id', 'artifact_uri', 'lifecycle_stage'])
      expect(only(`${key} = 'x'`)).toMatchObject({ column: key });
    expect(only('end_time <= 3')).toMatchObject({ type: 'number-attribute', column: 'end_time' });
  });

  it('reads quoted and dotted keys', () => {
    expect(only("tags.`my-key` = 'v'")).toMatchObject({ key: 'my-key' });
    expect(only(`metrics."model class" > 0`)).toMatchObject({ key: 'model class' });
    expect(only("tags.mlflow.runName = 'r'")).toMatchObject({ key: 'mlflow.runName' });
    expect(only("tags.`mlflow.source.git.commit` = 'c'")).toMatchObject({
      key: 'mlflow.source.git.commit',
    });
    expect(only("`params`.`a b` = 'c'")).toMatchObject({ type: 'param', key: 'a b' });
    expect(only('metrics.val-loss < 1')).toMatchObject({ key: 'val-loss' });
    expect(only("tags.team/sub:x = 'y'")).toMatchObject({ key: 'team/sub:x' });
    expect(only('metrics.`a``b` > 1')).toMatchObject({ key: 'a`b' });
  });
});

describe('parseRunFilter values and comparators', () => {
  it('reads strings in either quote, with doubled or backslashed quotes inside', () => {
    expect(only(`params.p = "x y"`)).toMatchObject({ match: { value: 'x y' } });
    expect(only(`params.p = 'it''s'`)).toMatchObject({ match: { value: "it's" } });
    expect(only(`params.p = 'it\\'s'`)).toMatchObject({ match: { value: "it's" } });
    expect(only(`params.p = "say ""hi"""`)).toMatchObject({ match: { value: 'say "hi"' } });
    expect(only(`params.p = 'a\\%b'`)).toMatchObject({ match: { value: 'a\\%b' } });
    expect(only(`params.p = ''`)).toMatchObject({ match: { value: '' } });
  });

  it('reads integers, floats, exponents and negatives', () => {
    const values = ['1', '-1', '1.5', '.5', '-.5', '1e3', '-2.5E-3', '3.'].map(
      (text) => (only(`metrics.m = ${text}`) as { match: { value: number } }).match.value,
    );
    expect(values).toEqual([1, -1, 1.5, 0.5, -0.5, 1000, -0.0025, 3]);
    expect(only('metrics.m>-1')).toMatchObject({ match: { comparator: '>', value: -1 } });
  });

  it('reads every comparator, keywords in any case', () => {
    const numeric = ['=', '!=', '<', '<=', '>', '>='].map(
      (op) => (only(`metrics.m ${op} 1`) as { match: { comparator: string } }).match.comparator,
    );
    expect(numeric).toEqual(['=', '!=', '<', '<=', '>', '>=']);
    expect(only('metrics.m <> 1')).toMatchObject({ match: { comparator: '!=' } });
    expect(only(`tags.t like 'a%'`)).toMatchObject({ match: { comparator: 'LIKE' } });
    expect(only(`tags.t ILike 'a%'`)).toMatchObject({ match: { comparator: 'ILIKE' } });
    expect(only(`run_id in ('a', "b")`)).toMatchObject({
      match: { comparator: 'IN', values: ['a', 'b'] },
    });
    expect(only(`datasets.digest Not In ('a')`)).toMatchObject({
      match: { comparator: 'NOT IN', values: ['a'] },
    });
  });

  it('joins comparisons with AND in any case and keeps their order', () => {
    const clauses = parseRunFilter(
      `metrics.m0 > 0.5 and params.p1 = 'x' AND tags.t != 'y' And datasets.context = 'train'`,
    );
    expect(clauses.map((clause) => clause.type)).toEqual(['metric', 'param', 'tag', 'dataset']);
  });

  it('reads nothing from an empty or blank filter', () => {
    expect(parseRunFilter(undefined)).toEqual([]);
    expect(parseRunFilter('')).toEqual([]);
    expect(parseRunFilter('   ')).toEqual([]);
  });

  it('keeps SQL-looking text as plain data', () => {
    expect(only(`params.p = 'x''; drop table runs; --'`)).toMatchObject({
      match: { value: "x'; drop table runs; --" },
    });
  });
});

describe('parseRunFilter errors', () => {
  it.each([
    [
      'metrics.a = 1 or metrics.b = 2',
      /Invalid clause\(s\) in filter string: 'or metrics.b = 2' at character 15/,
    ],
    [
      '(metrics.a = 1)',
      /Invalid clause\(s\) in filter string.*character 1: expected an identifier/,
    ],
    ['metrics.a = 1 metrics.b = 2', /expected AND between comparisons/],
    ["params.p = 'x' and", /nothing follows AND/],
    ['params.p', /a comparator and a value must follow/],
    ['params.p =', /a value must follow the comparator/],
    ["params.p == 'x'", /unexpected '=' at character 10/],
    ["params.p not like 'x'", /expected a comparator/],
    ["params.p = 'abc", /unterminated quoted text starting at character 12/],
    ["'a' = 'b'", /expected an identifier/],
    ['params.p = x', /expected a quoted string, a number or a list/],
    ["params.p = 'x' ; drop", /unexpected ';'/],
    ['metrics.m > 1x', /unexpected 'x' at character 14/],
    ['metrics. > 1', /unexpected ' ' at character 9/],
    ['foo.x = 1', /Invalid entity type 'foo' in 'foo.x'/],
    ['nope = 1', /Invalid attribute key 'nope' specified. Valid keys are/],
    ["datasets.size = 'x'", /Invalid dataset key 'size' specified/],
    ["metrics.m > 'a'", /Expected numeric value type for metric. Found 'a'/],
    ['params.p = 5', /Expected a quoted string value for param \(e.g. 'my-value'\). Got value 5/],
    ['tags.t = 5', /Expected a quoted string value for tag/],
    ["start_time > '5'", /Expected numeric value type for numeric attribute: start_time/],
    ['status = 1', /Expected a quoted string value for attributes/],
    ['datasets.name = 1', /Expected a quoted string value for dataset attributes/],
    [
      'metrics.m like 1',
      /Invalid comparator 'LIKE' not one of \['=', '!=', '<', '<=', '>', '>='\] for metric/,
    ],
    [
      "params.p > 'a'",
      /Invalid comparator '>' not one of \['=', '!=', 'LIKE', 'ILIKE'\] for param/,
    ],
    ["tags.t in ('a')", /Invalid comparator 'IN' not one of/],
    ['start_time like 5', /Invalid comparator 'LIKE'.*numeric attribute: start_time/],
    ["status < 'a'", /Invalid comparator '<'/],
    ["status in ('a')", /Only the 'run_id' attribute supports comparison with a list/],
    ["run_id = ('a')", /a list can only follow IN or NOT IN/],
    ["run_id in 'a'", /IN needs a parenthesised list/],
    ['run_id in ()', /expected a non-empty list of string values, but got empty list/],
    ['run_id in (1)', /expected a quoted string value at character 12, found '1'/],
    ["run_id in ('a' 'b')", /expected ',' or '\)' in the list/],
    ["run_id in ('a',", /the list is not closed/],
    ["tags.a.`b` = 'x'", /quotes only part of its key/],
  ])('%s', (filter, message) => {
    expect(errorOf(filter)).toMatch(message);
  });
});
