import type { Metric } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { splitLogBatch } from './split-log-batch.js';

const metrics = (n: number): Metric[] =>
  Array.from({ length: n }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));
const pairs = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

describe('splitLogBatch', () => {
  it('answers no batch for nothing', () => {
    expect(splitLogBatch({ metrics: [], params: [], tags: [] })).toEqual([]);
  });

  it('keeps a small batch whole', () => {
    const batches = splitLogBatch({
      metrics: metrics(10),
      params: pairs(3, 'p'),
      tags: pairs(2, 't'),
    });
    expect(batches).toHaveLength(1);
    expect(batches[0]?.metrics).toHaveLength(10);
  });

  it('splits 2500 metrics into 1000, 1000, 500 in order', () => {
    const batches = splitLogBatch({ metrics: metrics(2500), params: [], tags: [] });
    expect(batches.map((batch) => batch.metrics.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((batch) => batch.metrics.map((metric) => metric.key))).toEqual(
      metrics(2500).map((metric) => metric.key),
    );
  });

  it('caps params and tags at 100 and the total at 1000', () => {
    const batches = splitLogBatch({
      metrics: metrics(1000),
      params: pairs(250, 'p'),
      tags: pairs(120, 't'),
    });
    for (const batch of batches) {
      expect(batch.params.length).toBeLessThanOrEqual(100);
      expect(batch.tags.length).toBeLessThanOrEqual(100);
      expect(batch.metrics.length + batch.params.length + batch.tags.length).toBeLessThanOrEqual(
        1000,
      );
    }
    expect(batches[0]).toMatchObject({ params: { length: 100 }, tags: { length: 100 } });
    expect(batches[0]?.metrics).toHaveLength(800);
    expect(batches.reduce((sum, batch) => sum + batch.params.length, 0)).toBe(250);
    expect(batches.reduce((sum, batch) => sum + batch.tags.length, 0)).toBe(120);
    expect(batches.reduce((sum, batch) => sum + batch.metrics.length, 0)).toBe(1000);
    expect(batches).toHaveLength(3);
  });
});
