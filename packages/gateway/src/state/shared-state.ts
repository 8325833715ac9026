/** A windowed counter to charge: rejected when `current + cost > limit`. */
export interface CounterCharge {
  key: string;
  limit: number;
  cost: number;
  ttlMs: number;
}

/** A read-only cap: rejected when the counter already reached `limit` (tokens used, USD spent). */
export interface CeilingCheck {
  key: string;
  limit: number;
}

/**
 * The state gateway replicas must share: rate-limit counters, token and spend totals, the
 * response cache and the key store's records. One in-memory implementation for a single process
 * and one Redis implementation (atomic Lua scripts) for replicas.
 */
export interface SharedState {
  /**
   * Atomically checks every ceiling and charge; when all pass, applies the charges. Returns -1
   * when admitted, else the index of the first failing check (charges first, then ceilings).
   */
  admit(charges: CounterCharge[], ceilings: CeilingCheck[]): Promise<number>;
  /** Adds `amount` to a counter (creating it with `ttlMs`) and returns the new total. */
  add(key: string, amount: number, ttlMs: number): Promise<number>;
  /**
   * Synchronous `admit` and `add`, offered by in-process state: each call's limits are then
   * checked and charged without a promise per counter (the gateway's hot path).
   */
  admitNow?(charges: CounterCharge[], ceilings: CeilingCheck[]): number;
  addNow?(key: string, amount: number, ttlMs: number): number;
  /** A counter's value (0 when absent). */
  read(key: string): Promise<number>;
  cacheGet(key: string): Promise<string | undefined>;
  cacheSet(key: string, value: string, ttlMs: number): Promise<void>;
  /** Durable records in named hashes (the virtual-key store). */
  hashGet(hash: string, field: string): Promise<string | undefined>;
  hashSet(hash: string, field: string, value: string): Promise<void>;
  hashDelete(hash: string, field: string): Promise<void>;
  hashEntries(hash: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}
