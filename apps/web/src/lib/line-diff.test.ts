import { describe, expect, it } from 'vitest';
import { sideBySideDiff } from './line-diff';

describe('sideBySideDiff', () => {
  it('keeps equal lines together and pairs a removal with the addition that replaced it', () => {
    const rows = sideBySideDiff('a\nb\nc', 'a\nB\nc\nd');
    expect(rows).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: 'B', kind: 'changed' },
      { left: 'c', right: 'c', kind: 'same' },
      { left: undefined, right: 'd', kind: 'added' },
    ]);
  });

  it('shows pure removals on the left only', () => {
    expect(sideBySideDiff('x\ny', 'y')).toEqual([
      { left: 'x', right: undefined, kind: 'removed' },
      { left: 'y', right: 'y', kind: 'same' },
    ]);
  });
});
