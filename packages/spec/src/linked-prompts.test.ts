import { describe, expect, it } from 'vitest';
import { mergeLinkedPrompts, parseLinkedPrompts } from './linked-prompts.js';

describe('linked prompts', () => {
  it('adds versions once each after the earlier ones, numbers read as strings', () => {
    const earlier = JSON.stringify([{ name: 'qa', version: 3 }]);
    expect(
      JSON.parse(
        mergeLinkedPrompts(earlier, [
          { name: 'summary', version: '1' },
          { name: 'qa', version: '3' },
        ]),
      ),
    ).toEqual([
      { name: 'qa', version: '3' },
      { name: 'summary', version: '1' },
    ]);
  });

  it('replaces a value that is not a list of {name, version}', () => {
    expect(parseLinkedPrompts('not json')).toBeUndefined();
    expect(parseLinkedPrompts('[{"name":"qa"}]')).toBeUndefined();
    expect(JSON.parse(mergeLinkedPrompts('{"x":1}', [{ name: 'qa', version: '2' }]))).toEqual([
      { name: 'qa', version: '2' },
    ]);
  });
});
