import BetterSqlite3 from 'better-sqlite3';

/**
 * Copies a SQLite database's WAL back into it from a connection of its own, off the thread that
 * writes. A writer that checkpoints itself (SQLite's auto-checkpoint, every 10,000 pages here)
 * stops writing for the copy and its two fsyncs; with this running every `intervalMs` while
 * writes arrive, the writer's own checkpoint finds most frames already copied and only does the
 * rest, which it must still do: the WAL restarts from its start only after a checkpoint has
 * caught up with the last commit, and only a checkpoint between two of the writer's commits can.
 * PASSIVE checkpoints never wait for, nor hold up, readers or the writer.
 */
export class WalCheckpointer {
  private db: BetterSqlite3.Database | undefined;
  private due = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    intervalMs = 100,
  ) {
    this.timer = setInterval(() => this.checkpoint(), intervalMs);
    this.timer.unref();
  }

  /** Writes are arriving: checkpoint at the next tick. */
  noteWrites(): void {
    this.due = true;
  }

  close(): void {
    clearInterval(this.timer);
    this.db?.close();
    this.db = undefined;
  }

  private checkpoint(): void {
    if (!this.due) return;
    this.due = false;
    try {
      this.db ??= new BetterSqlite3(this.path, { fileMustExist: true });
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy (another checkpoint runs) or unreadable: the writer's own checkpoint still runs.
    }
  }
}
