export { MemoryState } from './memory-state.js';
export { openSharedState, RedisState } from './redis-state.js';
export type { CeilingCheck, CounterCharge, SharedState } from './shared-state.js';
