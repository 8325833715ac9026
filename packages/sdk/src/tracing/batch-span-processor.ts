import type { LiveSpan } from './live-span.js';
import type { SpanExporter } from './span-exporter.js';

/** Tuning of the export pipeline. */
export interface BatchSpanProcessorOptions {
  /** Spans waiting for export at most; more are dropped and counted (default 2048). */
  maxQueueSize?: number;
  /** Spans per export request at most; a full batch is sent at once (default 512). */
  maxExportBatchSize?: number;
  /** How long an ended span may wait for a batch to fill (ms, default 1000). */
  scheduledDelayMs?: number;
  /** How long one export (with its retries) may take before it counts as failed (ms, default 30000). */
  exportTimeoutMs?: number;
  /** Receives export failures and drop reports; defaults to a console warning. */
  onError?: (error: unknown) => void;
  /** Flush when the process is about to exit (`beforeExit`); default true. */
  exitHook?: boolean;
}

/** Counters of the export pipeline since it started. */
export interface ExportStats {
  /** Spans waiting in the queue now. */
  queued: number;
  /** Spans the exporter accepted. */
  exported: number;
  /** Spans dropped because the queue was full or the pipeline was shut down. */
  dropped: number;
  /** Spans whose export failed after retries. */
  failed: number;
}

/**
 * Queues ended spans and exports them in batches off the caller's path, in the manner of
 * OpenTelemetry's BatchSpanProcessor: `onEnd` is O(1) and never throws, never waits; a full
 * queue drops and counts; one export runs at a time; `forceFlush` and `shutdown` never reject.
 */
export class BatchSpanProcessor {
  private readonly maxQueueSize: number;
  private readonly maxExportBatchSize: number;
  private readonly scheduledDelayMs: number;
  private readonly exportTimeoutMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly exitHook: boolean;
  private queue: LiveSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private draining: Promise<void> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private exitListenerInstalled = false;
  private exported = 0;
  private dropped = 0;
  private droppedReported = 0;
  private failed = 0;
  private readonly exitListener = (): void => {
    void this.forceFlush();
  };

  constructor(
    private readonly exporter: SpanExporter,
    options: BatchSpanProcessorOptions = {},
  ) {
    this.maxQueueSize = Math.max(1, options.maxQueueSize ?? 2048);
    this.maxExportBatchSize = Math.max(
      1,
      Math.min(options.maxExportBatchSize ?? 512, this.maxQueueSize),
    );
    this.scheduledDelayMs = options.scheduledDelayMs ?? 1000;
    this.exportTimeoutMs = options.exportTimeoutMs ?? 30_000;
    this.onError = options.onError ?? reportToConsole;
    this.exitHook = options.exitHook ?? true;
  }

  /** Takes an ended span; drops it (counted) when the queue is full or after shutdown. */
  onEnd(span: LiveSpan): void {
    if (this.shutdownPromise !== undefined || this.queue.length >= this.maxQueueSize) {
      this.dropped += 1;
      return;
    }
    this.queue.push(span);
    if (!this.exitListenerInstalled && this.exitHook) {
      process.on('beforeExit', this.exitListener);
      this.exitListenerInstalled = true;
    }
    if (this.queue.length >= this.maxExportBatchSize) this.scheduleDrain();
    else this.scheduleTimer();
  }

  /** Exports everything queued now; resolves (never rejects) when it has been sent or failed. */
  forceFlush(): Promise<void> {
    this.clearTimer();
    return this.drain();
  }

  /** Flushes, then stops accepting spans and shuts the exporter down. Safe to call repeatedly. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      if (this.exitListenerInstalled) process.off('beforeExit', this.exitListener);
      await this.forceFlush();
      try {
        await this.exporter.shutdown?.();
      } catch (error) {
        this.report(error);
      }
    })();
    return this.shutdownPromise;
  }

  /** The pipeline's counters. */
  stats(): ExportStats {
    return {
      queued: this.queue.length,
      exported: this.exported,
      dropped: this.dropped,
      failed: this.failed,
    };
  }

  private scheduleTimer(): void {
    if (this.timer !== undefined || this.drainScheduled) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.drain();
    }, this.scheduledDelayMs);
    // Waiting spans must not keep the process alive; `beforeExit` sends them.
    this.timer.unref();
  }

  private scheduleDrain(): void {
    // Deferred so that encoding a batch never runs inside the `end()` that filled it.
    if (this.drainScheduled || this.draining !== undefined) return;
    this.clearTimer();
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      void this.drain();
    });
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): Promise<void> {
    if (this.draining === undefined && this.queue.length > 0) {
      this.draining = this.exportAll().finally(() => {
        this.draining = undefined;
        // Spans that ended during the last export but did not fill a batch wait for the timer.
        if (this.queue.length > 0) this.scheduleTimer();
      });
    }
    return this.draining ?? Promise.resolve();
  }

  private async exportAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxExportBatchSize);
      try {
        await withTimeout(this.exporter.export(batch), this.exportTimeoutMs);
        this.exported += batch.length;
      } catch (error) {
        this.failed += batch.length;
        this.report(error);
      }
      if (this.dropped > this.droppedReported) {
        const count = this.dropped - this.droppedReported;
        this.droppedReported = this.dropped;
        this.report(
          new Error(`${count} spans dropped: the export queue (${this.maxQueueSize}) was full`),
        );
      }
    }
  }

  private report(error: unknown): void {
    try {
      this.onError(error);
    } catch {
      // The error callback is user code too; a throwing one must not break the pipeline.
    }
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`span export timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function reportToConsole(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.warn(`[cairn] trace export: ${message}`);
}
