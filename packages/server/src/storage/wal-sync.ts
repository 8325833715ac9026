import { open } from 'node:fs/promises';

/**
 * Makes SQLite commits durable off the event loop. The connection runs with
 * `synchronous = NORMAL`: a commit writes its WAL frames but does not wait for the disk, and
 * checkpoints still sync the WAL before copying it and the database after. `sync()` then
 * flushes the WAL file on libuv's thread pool, and the write queue answers a commit's callers
 * only after a sync that started after that commit. Until then the main thread goes on with the
 * next transaction instead of blocking in fsync (~2–3 ms each, and up to 20 ms while a
 * checkpoint's writes are in flight).
 *
 * A crash can lose only unsynced frames, which SQLite's WAL recovery drops by their checksums,
 * so the database keeps every acknowledged commit, as with `synchronous = FULL`.
 * Syncs coalesce: while one runs, callers share the next.
 */
export class WalSync {
  private handle: Promise<import('node:fs/promises').FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly walPath: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.flush().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // A sync in flight may have started before the caller's commit: queue one after it.
    this.next ??= this.running
      .then(
        () => this.sync(),
        () => this.sync(),
      )
      .finally(() => {
        this.next = undefined;
      });
    return this.next;
  }

  async close(): Promise<void> {
    await this.running?.catch(() => {});
    await this.next?.catch(() => {});
    const handle = await this.handle?.catch(() => undefined);
    this.handle = undefined;
    await handle?.close();
  }

  private async flush(): Promise<void> {
    this.handle ??= open(this.walPath, 'r');
    let handle: import('node:fs/promises').FileHandle;
    try {
      handle = await this.handle;
    } catch (error) {
      // Not opened (say, out of file descriptors): fail these writes, try again for the next.
      this.handle = undefined;
      throw error;
    }
    await handle.datasync();
  }
}
