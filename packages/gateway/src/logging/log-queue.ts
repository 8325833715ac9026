import type { GatewayLogBatch, GatewayLogRecord } from '@cairn/spec';
import {
  type EncodedLogBatch,
  type EncodingLogSink,
  type GatewayLogSink,
  isEncodingLogSink,
} from './log-sink.js';

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
  /** Records, or their encoded text when the sink encodes (see EncodingLogSink). */
  private queue: (GatewayLogRecord | string)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  /** The sink when it takes records encoded as they are queued. */
  private readonly encoding: EncodingLogSink | undefined;

  constructor(
    private readonly sink: GatewayLogSink,
    private readonly options: LogQueueOptions,
  ) {
    this.encoding = isEncodingLogSink(sink) ? sink : undefined;
  }

  /** Enqueues a record; never throws, never blocks. */
  push(record: GatewayLogRecord): void {
    if (this.closed || this.queue.length >= this.options.maxQueued) {
      this.dropped++;
      this.unreported++;
      return;
    }
    this.queue.push(this.encoding ? this.encoding.encode(record) : record);
    if (this.queue.length >= this.options.batchSize && !this.writing) {
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
    return this.queue.length;
  }

  private async flushOnce(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.queue.length === 0) return;
    const records = this.queue.splice(0, this.options.batchSize);
    const dropped = this.unreported;
    this.unreported = 0;
    const batch = dropped > 0 ? { records, dropped } : { records };
    this.writing = (
      this.encoding
        ? this.encoding.writeEncoded(batch as EncodedLogBatch)
        : this.sink.write(batch as GatewayLogBatch)
    )
      .catch(() => {
        // The failed batch carried the earlier drop count too; report it again next time.
        this.dropped += records.length;
        this.unreported += dropped + records.length;
      })
      .finally(() => {
        this.writing = undefined;
        if (this.queue.length > 0 && !this.timer) {
          this.timer = setTimeout(
            () => {
              this.timer = undefined;
              void this.flushOnce();
            },
            this.queue.length >= this.options.batchSize ? 0 : this.options.flushMs,
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
    while (this.writing || this.queue.length > 0) {
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
