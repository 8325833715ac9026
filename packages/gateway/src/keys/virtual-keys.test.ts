import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryState } from '../state/memory-state.js';
import { RedisState } from '../state/redis-state.js';
import { testRedisUrl, uniquePrefix } from '../test-kit/redis-url.js';
import { FileKeyStore } from './file-key-store.js';
import { StateKeyStore } from './state-key-store.js';
import type { KeyStore } from './virtual-key.js';
import { parseBudgetSpec, VirtualKeys } from './virtual-keys.js';

const directory = mkdtempSync(join(tmpdir(), 'cairn-keys-'));
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  rmSync(directory, { recursive: true, force: true });
});

const stores: [string, () => Promise<KeyStore>][] = [
  ['memory', async () => new StateKeyStore(new MemoryState())],
  [
    'redis',
    async () => {
      const state = await RedisState.connect(testRedisUrl, uniquePrefix('keys'));
      closers.push(() => state.close());
      return new StateKeyStore(state);
    },
  ],
  ['file', async () => new FileKeyStore(join(directory, `keys-${Math.random()}.json`)).open()],
];

describe.each(stores)('VirtualKeys on %s', (_name, open) => {
  it('issues a secret once, stores only its hash, and verifies it', async () => {
    let now = 1_000;
    const keys = new VirtualKeys(await open(), () => now);
    const { secret, record } = await keys.create({
      name: 'app',
      routes: ['chat'],
      rpm: 100,
      budget: parseBudgetSpec('50/month'),
    });
    expect(secret).toMatch(/^ck-[0-9a-f]{8}_[\w-]{43}$/);
    // The random part is base64url and may itself hold '_': split at the first one only.
    const separator = secret.indexOf('_');
    expect(JSON.stringify(await keys.list())).not.toContain(secret.slice(separator + 1));
    expect(record.secrets[0]!.prefix).toBe(secret.slice(0, separator));
    expect(await keys.verify(secret)).toMatchObject({
      id: record.id,
      routes: ['chat'],
      rpm: 100,
      budget: { usd: 50, period: 'month' },
    });
    expect(await keys.verify(`${secret}x`)).toBeUndefined();
    now += 1;
  });

  it('rotates with an overlap window, then retires the old secret', async () => {
    let now = 1_000;
    const keys = new VirtualKeys(await open(), () => now);
    const first = await keys.create();
    const second = await keys.rotate(first.record.id, 10_000);
    expect((await keys.verify(first.secret))?.id).toBe(first.record.id);
    expect((await keys.verify(second.secret))?.id).toBe(first.record.id);
    now += 10_001;
    expect(await keys.verify(first.secret)).toBeUndefined();
    expect(await keys.verify(second.secret)).toBeDefined();
    const third = await keys.rotate(first.record.id, 0);
    expect(await keys.verify(second.secret)).toBeUndefined();
    expect(await keys.verify(third.secret)).toBeDefined();
  });

  it('revokes at once', async () => {
    const keys = new VirtualKeys(await open());
    const { secret, record } = await keys.create();
    await keys.revoke(record.id);
    expect(await keys.verify(secret)).toBeUndefined();
    expect((await keys.list()).find((key) => key.id === record.id)?.revokedAt).toBeDefined();
  });
});

describe('FileKeyStore', () => {
  it('keeps only hashes on disk (mode 600) and sees changes made by another process', async () => {
    const path = join(directory, 'shared.json');
    const server = await new FileKeyStore(path).open(true);
    closers.push(() => server.close());
    const cli = new VirtualKeys(await new FileKeyStore(path).open());
    const { secret, record } = await cli.create({ name: 'from-cli' });
    expect(readFileSync(path, 'utf8')).not.toContain(secret);
    const gatewayKeys = new VirtualKeys(server);
    await expect.poll(() => gatewayKeys.verify(secret), { timeout: 2000 }).toBeDefined();
    await cli.revoke(record.id);
    await expect.poll(() => gatewayKeys.verify(secret), { timeout: 2000 }).toBeUndefined();
  });
});

describe('parseBudgetSpec', () => {
  it('reads USD per period', () => {
    expect(parseBudgetSpec('12.5/day')).toEqual({ usd: 12.5, period: 'day', alertAt: 0.8 });
    expect(() => parseBudgetSpec('50')).toThrow(/50\/month/);
  });
});
