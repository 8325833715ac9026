import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../test-kit/test-backends.js';
import type { Storage } from './index.js';
import { WriteQueue } from './write-queue.js';

/** A durability barrier the test opens by hand. */
function gate() {
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  return {
    durable: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
      }),
    waiting,
  };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each(testBackends())('WriteQueue on $name', (backend) => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  const insertTag = (queue: WriteQueue, value: string) =>
    queue.run((trx) =>
      trx
        .insertInto('experiment_tags')
        .values({ experiment_id: 0, key: value, value })
        .execute()
        .then(() => value),
    );
  const storedTags = async () =>
    (await storage!.db.selectFrom('experiment_tags').select('key').orderBy('key').execute()).map(
      (row) => row.key,
    );

  it('answers a commit once it is durable, and writes the next group meanwhile', async () => {
    storage = await backend.open();
    const barrier = gate();
    const queue = new WriteQueue(storage.db, { durable: barrier.durable });
    const answered: string[] = [];
    const first = insertTag(queue, 'a').then((value) => answered.push(value));
    await settled();
    expect(await storedTags()).toEqual(['a']);
    expect(answered).toEqual([]);

    const second = insertTag(queue, 'b').then((value) => answered.push(value));
    await settled();
    // The second commit did not wait for the first one's barrier.
    expect(await storedTags()).toEqual(['a', 'b']);
    expect(barrier.waiting).toHaveLength(2);
    barrier.waiting[0]!.resolve();
    await first;
    expect(answered).toEqual(['a']);
    barrier.waiting[1]!.resolve();
    await second;
    expect(answered).toEqual(['a', 'b']);
  });

  it('fails the writes of a commit whose barrier fails', async () => {
    storage = await backend.open();
    const barrier = gate();
    const queue = new WriteQueue(storage.db, { durable: barrier.durable });
    const write = insertTag(queue, 'c');
    await settled();
    barrier.waiting[0]!.reject(new Error('disk gone'));
    await expect(write).rejects.toThrow('disk gone');
  });
});
