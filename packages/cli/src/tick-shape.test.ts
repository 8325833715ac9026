import { describe, expect, it } from 'vitest';
import { pinnedTickEntry, pinTickShape } from './tick-shape.js';

describe('pinTickShape', () => {
  it('keeps a nextTick queue entry, with its callback, alive after the tick ran', async () => {
    pinTickShape();
    await new Promise((resolve) => setImmediate(resolve));
    const entry = pinnedTickEntry() as { callback?: unknown } | undefined;
    expect(entry).toBeTypeOf('object');
    // A TickObject: the queued callback and its arguments, not the top-level resource.
    expect(entry).toHaveProperty('callback');
    expect(entry?.callback).toBeTypeOf('function');
  });
});
