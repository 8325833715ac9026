import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from './index.js';
import { WalCheckpointer } from './wal-checkpointer.js';

describe('WalCheckpointer', () => {
  let dir: string;
  let storage: Storage | undefined;
  let checkpointer: WalCheckpointer | undefined;
  afterEach(async () => {
    checkpointer?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies the writer's committed WAL frames into the database file once writes are noted", async () => {
    dir = mkdtempSync(join(tmpdir(), 'cairn-checkpointer-'));
    const path = join(dir, 'c.db');
    storage = await openStorage(`sqlite:///${path}`);
    const sqlite = storage.sqlite!;
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.exec('create table filler (value text)');
    const insert = sqlite.prepare('insert into filler (value) values (?)');
    for (let index = 0; index < 200; index++) insert.run('x'.repeat(1000));
    const before = statSync(path).size;
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(200 * 1000);

    checkpointer = new WalCheckpointer(path, 10);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Nothing noted, nothing copied.
    expect(statSync(path).size).toBe(before);

    checkpointer.noteWrites();
    const deadline = Date.now() + 5000;
    while (statSync(path).size === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(statSync(path).size).toBeGreaterThan(before + 150 * 1000);
    expect(sqlite.prepare('select count(*) as rows from filler').get()).toEqual({ rows: 200 });
  });
});
