import { describe, expect, it } from 'vitest';
import { isFailure, rationaleColumn, rowKey, scoreColumns, scoreNumber } from './eval-table';

describe('evaluation table helpers', () => {
  const table = {
    columns: ['inputs', 'outputs', 'exact_match/score', 'exact_match/justification', 'score'],
    rows: [],
  };

  it('finds score columns and their rationale', () => {
    expect(scoreColumns(table)).toEqual(['exact_match/score', 'score']);
    expect(rationaleColumn(table, 'exact_match/score')).toBe('exact_match/justification');
    expect(rationaleColumn(table, 'score')).toBeUndefined();
  });

  it('judges failures and numbers from numbers, booleans and words', () => {
    expect([0, 0.49, 0.5, 1, false, true, 'no', 'yes', null].map(isFailure)).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect([1, true, false, '0.25', '', 'x'].map(scoreNumber)).toEqual([
      1,
      1,
      0,
      0.25,
      undefined,
      undefined,
    ]);
  });

  it('lines rows up by their inputs, else by position', () => {
    expect(rowKey({ inputs: 'q1' }, 3)).toBe('q1');
    expect(rowKey({ inputs: { a: 1 } }, 3)).toBe('{"a":1}');
    expect(rowKey({ outputs: 'x' }, 3)).toBe('#3');
  });
});
