import { describe, expect, it } from 'vitest';
import { parseCsv } from './artifact-preview';

describe('parseCsv', () => {
  it('handles quoted commas, escaped quotes and CRLF line ends', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
  });
});
