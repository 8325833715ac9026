import type { Redis } from 'ioredis';
import { MemoryState } from './memory-state.js';
import type { CeilingCheck, CounterCharge, SharedState } from './shared-state.js';

// Checks every ceiling and charge, then applies the charges, in one atomic step.
// KEYS: charge keys, then ceiling keys. ARGV: charge count, (limit, cost, ttl) per charge, limit per ceiling.
const admitScript = `
local n = tonumber(ARGV[1])
for i = 1, n do
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if current + tonumber(ARGV[3 * i]) > tonumber(ARGV[3 * i - 1]) then return i - 1 end
end
for j = n + 1, #KEYS do
  local current = tonumber(redis.call('GET', KEYS[j]) or '0')
  if current >= tonumber(ARGV[1 + 3 * n + (j - n)]) then return j - 1 end
end
for i = 1, n do
  redis.call('INCRBYFLOAT', KEYS[i], ARGV[3 * i])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ARGV[3 * i + 1]) end
end
return -1
`;

// Adds to a counter and gives it a lifetime when it has none; returns the new total as a string.
const addScript = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

interface ScriptCommands {
  cairnAdmit(keyCount: number, ...args: (string | number)[]): Promise<number>;
  cairnAdd(key: string, amount: number, ttlMs: number): Promise<string>;
}

/** Shared state in Redis: counters and checks are Lua scripts, so replicas never race. */
export class RedisState implements SharedState {
  private readonly redis: Redis & ScriptCommands;

  private constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand('cairnAdmit', { lua: admitScript });
    redis.defineCommand('cairnAdd', { numberOfKeys: 1, lua: addScript });
    this.redis = redis as Redis & ScriptCommands;
  }

  /**
   * Connects to a redis:// URL; every key starts with `prefix`, so gateways can share one Redis.
   * ioredis is loaded only here, so a gateway without Redis never pays for it.
   */
  static async connect(url: string, prefix: string): Promise<RedisState> {
    const { Redis: RedisClient } = await import('ioredis');
    return new RedisState(new RedisClient(url, { maxRetriesPerRequest: 2 }), prefix);
  }

  async admit(charges: CounterCharge[], ceilings: CeilingCheck[]): Promise<number> {
    const keys: string[] = [];
    const args: (string | number)[] = [charges.length];
    for (const charge of charges) {
      keys.push(this.prefix + charge.key);
      args.push(charge.limit, charge.cost, Math.ceil(charge.ttlMs));
    }
    for (const ceiling of ceilings) {
      keys.push(this.prefix + ceiling.key);
      args.push(ceiling.limit);
    }
    return Number(await this.redis.cairnAdmit(keys.length, ...keys, ...args));
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    return Number(await this.redis.cairnAdd(this.prefix + key, amount, Math.ceil(ttlMs)));
  }

  async read(key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }

  async cacheGet(key: string): Promise<string | undefined> {
    return (await this.redis.get(`${this.prefix}cache:${key}`)) ?? undefined;
  }

  async cacheSet(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(`${this.prefix}cache:${key}`, value, 'PX', Math.ceil(ttlMs));
  }

  async hashGet(hash: string, field: string): Promise<string | undefined> {
    return (await this.redis.hget(this.prefix + hash, field)) ?? undefined;
  }

  async hashSet(hash: string, field: string, value: string): Promise<void> {
    await this.redis.hset(this.prefix + hash, field, value);
  }

  async hashDelete(hash: string, field: string): Promise<void> {
    await this.redis.hdel(this.prefix + hash, field);
  }

  async hashEntries(hash: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.prefix + hash);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The state for a config: Redis when a URL is given, otherwise one process's memory. */
export async function openSharedState(
  redisUrl: string | undefined,
  prefix: string,
): Promise<SharedState> {
  if (!redisUrl) return new MemoryState();
  const state = await RedisState.connect(redisUrl, prefix);
  // Fail at start, not on the first request, when Redis is unreachable.
  await state.read('ping');
  return state;
}
