import type { Kysely, Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** A unit of write work; it may run twice (alone, after its group failed), so it must not have side effects outside the transaction. */
export type WriteWork<T> = (trx: Transaction<DatabaseSchema>) => Promise<T>;

interface PendingWrite {
  work: WriteWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive while a transaction is being committed are gathered and
 * committed together in the next one, so many small durable writes share one fsync. A caller's
 * promise settles only after its transaction has committed. When any write in a group fails, the
 * group is rolled back and each write is retried alone, so one bad request never fails another.
 */
export class WriteQueue {
  private pending: PendingWrite[] = [];
  private flushing = false;
  private readonly durable: (() => Promise<void>) | undefined;
  /** Committed groups whose callers wait for `durable`. */
  private awaitingDurability = 0;
  private readonly maxGroupSize: number;

  /**
   * `durable`, when given, makes the writes committed so far durable (see WalSync); callers hear
   * of their commit only after it resolves, while the next group is already being written.
   */
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    options: { durable?: () => Promise<void>; maxGroupSize?: number } = {},
  ) {
    this.durable = options.durable;
    this.maxGroupSize = options.maxGroupSize ?? 256;
  }

  /** Runs `work` inside a committed transaction, grouped with concurrent writes. */
  run<T>(work: WriteWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Resolves once every write queued so far has settled. */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.length > 0 || this.awaitingDurability > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending.splice(0, this.maxGroupSize);
        await this.commitGroup(group);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commitGroup(group: PendingWrite[]): Promise<void> {
    if (group.length > 1) {
      try {
        const results = await this.db.transaction().execute(async (trx) => {
          const values: unknown[] = [];
          for (const write of group) values.push(await write.work(trx));
          return values;
        });
        this.settle(group.map((write, index) => [write, results[index]]));
        return;
      } catch {
        // Fall through: run each write alone so only the failing one reports its error.
      }
    }
    const committed: [PendingWrite, unknown][] = [];
    for (const write of group) {
      try {
        committed.push([write, await this.db.transaction().execute(write.work)]);
      } catch (error) {
        write.reject(error);
      }
    }
    this.settle(committed);
  }

  /** Answers committed writes, once they are durable. */
  private settle(committed: [PendingWrite, unknown][]): void {
    if (committed.length === 0) return;
    const answer = () => {
      for (const [write, value] of committed) write.resolve(value);
    };
    if (!this.durable) {
      answer();
      return;
    }
    this.awaitingDurability++;
    this.durable()
      .then(answer, (error) => {
        for (const [write] of committed) write.reject(error);
      })
      .finally(() => {
        this.awaitingDurability--;
      });
  }
}
