import { describe, expect, it } from 'vitest';
import { isSampled } from './sampler.js';

describe('isSampled', () => {
  it('decides from the trace id alone', () => {
    expect(isSampled('0'.repeat(24) + '3fffffff', 0.25)).toBe(true);
    expect(isSampled('f'.repeat(24) + '40000000', 0.25)).toBe(false);
    const id = 'ab'.repeat(16);
    expect(isSampled(id, 0.7)).toBe(isSampled(id, 0.7));
  });

  it('keeps everything at 1 and nothing at 0', () => {
    expect(isSampled('f'.repeat(32), 1)).toBe(true);
    expect(isSampled('0'.repeat(31) + '1', 0)).toBe(false);
  });
});
