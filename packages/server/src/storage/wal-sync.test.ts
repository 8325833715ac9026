import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WalSync } from './wal-sync.js';

describe('WalSync', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shares one sync among callers that arrive while one runs, and it starts after it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-wal-sync-'));
    const path = join(dir, 'c.db-wal');
    writeFileSync(path, 'frames');
    const wal = new WalSync(path);
    const first = wal.sync();
    const second = wal.sync();
    const third = wal.sync();
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    const order: string[] = [];
    await Promise.all([
      second.then(() => order.push('second')),
      first.then(() => order.push('first')),
    ]);
    expect(order).toEqual(['first', 'second']);
    // Once idle, a caller starts a sync of its own at once.
    const later = wal.sync();
    expect(later).not.toBe(second);
    await later;
    await wal.close();
  });

  it('fails when the WAL file cannot be opened, and opens it for the next sync', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-wal-sync-'));
    const path = join(dir, 'c.db-wal');
    const wal = new WalSync(path);
    await expect(wal.sync()).rejects.toThrow(/ENOENT/);
    // A later sync opens it again.
    writeFileSync(path, 'frames');
    await wal.sync();
    await wal.close();
  });
});
