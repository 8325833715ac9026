import type { GatewayLogRecord } from '@cairn/spec';
import { type GatewayLogSink, isEncodingLogSink } from './log-sink.js';
import { PendingEncoded, PendingObjects, type PendingRecords } from './pending-records.js';

/** Queue bounds and flush cadence. */
export interface LogQueueOptions {
  /** Records held at most; beyond it new records are dropped and counted. */
  maxQueued: number;
  /** Records per sink write. */
  batchSize: number;
  /** Longest a record waits before a flush. */
  flushMs: number;
}

/**
 * A bounded queue between the request path and a GatewayLogSink: `push` is O(1) and never
 * waits; batches are written by a timer (or as soon as a batch is full), one write at a time.
 * When the queue is full, or the sink fails, records are dropped and counted — a slow store
 * never slows a completion.
 */
export class LogQueue {
  /** Records dropped since start (queue full or sink failure). */
  dropped = 0;
  /** Dropped records not yet reported to the sink. */
  private unreported = 0;
  private readonly queue: PendingRecords;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly sink: GatewayLogSink,
    private readonly options: LogQueueOptions,
  ) {
    this.queue = isEncodingLogSink(sink)
      ? new PendingEncoded(sink, options.batchSize)
      : new PendingObjects(sink, options.batchSize);
  }

  /** Enqueues a record; never throws, never blocks. */
  push(record: GatewayLogRecord): void {
    if (this.closed || this.queue.size >= this.options.maxQueued) {
      this.dropped++;
      this.unreported++;
      return;
    }
    this.queue.add(record);
    if (this.queue.size >= this.options.batchSize && !this.writing) {
      // Out of the caller's tick, so push stays cheap.
      setImmediate(() => void this.flushOnce());
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flushOnce();
      }, this.options.flushMs);
      this.timer.unref();
    }
  }

  /** Records waiting to be written. */
  get size(): number {
    return this.queue.size;
  }

  private async flushOnce(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.size === 0) return;
    const dropped = this.unreported;
    this.unreported = 0;
    const { count, written } = this.queue.writeBatch(dropped);
    this.writing = written
      .catch(() => {
        // The failed batch carried the earlier drop count too; report it again next time.
        this.dropped += count;
        this.unreported += dropped + count;
      })
      .finally(() => {
        this.writing = undefined;
        if (this.queue.size > 0 && !this.timer) {
          this.timer = setTimeout(
            () => {
              this.timer = undefined;
              void this.flushOnce();
            },
            this.queue.size >= this.options.batchSize ? 0 : this.options.flushMs,
          );
          this.timer.unref();
        }
      });
    return this.writing;
  }

  /** Writes everything queued now (e.g. at shutdown). Idempotent. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.writing || this.queue.size > 0) {
      await (this.writing ?? this.flushOnce());
    }
  }

  /** Flushes and stops accepting records. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.sink.close?.();
  }
}
