import type { CeilingCheck, CounterCharge, SharedState } from './shared-state.js';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Shared state for one process: maps with expiry, swept once a minute; the cache is bounded. */
export class MemoryState implements SharedState {
  private readonly counters = new Map<string, Entry<number>>();
  private readonly cache = new Map<string, Entry<string>>();
  private readonly hashes = new Map<string, Map<string, string>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: { maxCacheEntries?: number; now?: () => number } = {}) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The live entry of counter `key` at `now` (an expired one is dropped). */
  private liveCounter(key: string, now: number): Entry<number> | undefined {
    const entry = this.counters.get(key);
    if (entry && entry.expiresAt <= now) {
      this.counters.delete(key);
      return undefined;
    }
    return entry;
  }

  private counter(key: string, now = this.now()): number {
    return this.liveCounter(key, now)?.value ?? 0;
  }

  async admit(charges: CounterCharge[], ceilings: CeilingCheck[]): Promise<number> {
    return this.admitNow(charges, ceilings);
  }

  /** The synchronous body of admit (one process needs no atomicity beyond a single tick). */
  admitNow(charges: CounterCharge[], ceilings: CeilingCheck[]): number {
    // One clock reading for the whole check, not one per counter.
    const now = this.now();
    for (let index = 0; index < charges.length; index++) {
      const charge = charges[index]!;
      if (this.counter(charge.key, now) + charge.cost > charge.limit) return index;
    }
    for (let index = 0; index < ceilings.length; index++) {
      const ceiling = ceilings[index]!;
      if (this.counter(ceiling.key, now) >= ceiling.limit) return charges.length + index;
    }
    for (const charge of charges) this.charge(charge.key, charge.cost, charge.ttlMs, now);
    return -1;
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    return this.addNow(key, amount, ttlMs);
  }

  addNow(key: string, amount: number, ttlMs: number): number {
    return this.charge(key, amount, ttlMs, this.now());
  }

  private charge(key: string, amount: number, ttlMs: number, now: number): number {
    const entry = this.liveCounter(key, now);
    if (!entry) {
      this.counters.set(key, { value: amount, expiresAt: now + ttlMs });
      return amount;
    }
    entry.value += amount;
    return entry.value;
  }

  async read(key: string): Promise<number> {
    return this.counter(key);
  }

  async cacheGet(key: string): Promise<string | undefined> {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.cache.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async cacheSet(key: string, value: string, ttlMs: number): Promise<void> {
    this.cache.delete(key);
    this.cache.set(key, { value, expiresAt: this.now() + ttlMs });
    // Maps iterate in insertion order, so the first key is the oldest write.
    if (this.cache.size > (this.options.maxCacheEntries ?? 10_000)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  async hashGet(hash: string, field: string): Promise<string | undefined> {
    return this.hashes.get(hash)?.get(field);
  }

  async hashSet(hash: string, field: string, value: string): Promise<void> {
    let entries = this.hashes.get(hash);
    if (!entries) {
      entries = new Map();
      this.hashes.set(hash, entries);
    }
    entries.set(field, value);
  }

  async hashDelete(hash: string, field: string): Promise<void> {
    this.hashes.get(hash)?.delete(field);
  }

  async hashEntries(hash: string): Promise<Record<string, string>> {
    return Object.fromEntries(this.hashes.get(hash) ?? []);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.counters) if (entry.expiresAt <= now) this.counters.delete(key);
    for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
