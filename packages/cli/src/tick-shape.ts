import { executionAsyncResource } from 'node:async_hooks';

/**
 * Keeps one of Node's `process.nextTick` queue entries alive for the life of a serving process.
 *
 * Every `nextTick` builds its entry with one object literal whose hidden-class (map) chain V8
 * holds only weakly. When a full collection runs while no entry is alive, as happens during a
 * server's start-up, V8 drops that chain and the inline caches in `nextTick` that recorded it;
 * they then go megamorphic, and every later `nextTick` (node:http and streams make ~10 per
 * proxied call) defines the entry's properties through V8's slow path. Measured on the gateway
 * bench: `nextTick` 0.3 → 3.2 µs per call when that happened, ~4% of the whole call.
 * One live entry keeps the chain, so the caches stay monomorphic.
 */
export function pinTickShape(): void {
  process.nextTick(() => {
    pinnedTick = executionAsyncResource();
  });
}

let pinnedTick: object | undefined;

/** The entry kept alive (for tests). */
export function pinnedTickEntry(): object | undefined {
  return pinnedTick;
}
