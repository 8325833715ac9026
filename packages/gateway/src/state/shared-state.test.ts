import { afterEach, describe, expect, it } from 'vitest';
import { testRedisUrl, uniquePrefix } from '../test-kit/redis-url.js';
import { MemoryState } from './memory-state.js';
import { RedisState } from './redis-state.js';
import type { SharedState } from './shared-state.js';

const opened: SharedState[] = [];
afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

const backends: [string, () => Promise<SharedState>][] = [
  ['memory', async () => new MemoryState()],
  ['redis', () => RedisState.connect(testRedisUrl, uniquePrefix('state'))],
];

describe.each(backends)('SharedState (%s)', (_name, open) => {
  const state = async () => {
    const created = await open();
    opened.push(created);
    return created;
  };

  it('admits charges up to the limit, then names the failing check without charging', async () => {
    const shared = await state();
    const charge = { key: 'rl:a', limit: 2, cost: 1, ttlMs: 60_000 };
    expect(await shared.admit([charge], [])).toBe(-1);
    expect(await shared.admit([charge], [])).toBe(-1);
    expect(await shared.admit([charge], [])).toBe(0);
    expect(await shared.read('rl:a')).toBe(2);
    // A failing ceiling charges nothing.
    await shared.add('spend', 5, 60_000);
    const other = { key: 'rl:b', limit: 10, cost: 1, ttlMs: 60_000 };
    expect(await shared.admit([other], [{ key: 'spend', limit: 5 }])).toBe(1);
    expect(await shared.read('rl:b')).toBe(0);
    expect(await shared.admit([other], [{ key: 'spend', limit: 5.5 }])).toBe(-1);
  });

  it('adds fractional amounts and expires counters', async () => {
    const shared = await state();
    expect(await shared.add('usd', 0.25, 60_000)).toBeCloseTo(0.25);
    expect(await shared.add('usd', 0.5, 60_000)).toBeCloseTo(0.75);
    await shared.add('short', 1, 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await shared.read('short')).toBe(0);
  });

  it('caches values with a TTL', async () => {
    const shared = await state();
    await shared.cacheSet('k', 'v', 400);
    expect(await shared.cacheGet('k')).toBe('v');
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await shared.cacheGet('k')).toBeUndefined();
  });

  it('stores hash records', async () => {
    const shared = await state();
    await shared.hashSet('h', 'a', '1');
    await shared.hashSet('h', 'b', '2');
    await shared.hashDelete('h', 'a');
    expect(await shared.hashGet('h', 'b')).toBe('2');
    expect(await shared.hashGet('h', 'a')).toBeUndefined();
    expect(await shared.hashEntries('h')).toEqual({ b: '2' });
  });

  it('never admits more than the limit under concurrent callers', async () => {
    const shared = await state();
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        shared.admit([{ key: 'burst', limit: 20, cost: 1, ttlMs: 60_000 }], []),
      ),
    );
    expect(results.filter((result) => result === -1)).toHaveLength(20);
  });
});
