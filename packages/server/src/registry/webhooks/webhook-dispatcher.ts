import type { FastifyBaseLogger } from 'fastify';
import { isRetryable, type SendResult, sendWebhook } from './webhook-sender.js';
import type { WebhookStore } from './webhook-store.js';

/** Delivery settings; the defaults follow MLflow's (retries with backoff capped at 60 s). */
export interface DispatcherOptions {
  allowPrivate: boolean;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt, capped at `maxBackoffMs`. */
  retryBaseMs?: number;
  maxBackoffMs?: number;
  /** How often the outbox is polled when nothing nudges the loop (retries, other replicas). */
  pollIntervalMs?: number;
  timeoutMs?: number;
  clock?: () => number;
}

/**
 * Delivers the webhook outbox in the background: claims due rows, POSTs them signed, and
 * records each attempt, retrying network errors, 408, 429 and 5xx with jittered exponential
 * backoff. It is started and stopped with the app; `stop()` waits for the batch in flight.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private nudgedWhileRunning = false;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly pollIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: WebhookStore,
    private readonly log: FastifyBaseLogger,
    private readonly options: DispatcherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Starts polling. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a pass soon (after a change queued deliveries); cheap to call often. */
  nudge(delayMs = 10): void {
    if (this.stopped) return;
    if (this.running) this.nudgedWhileRunning = true;
    else this.schedule(delayMs);
  }

  /** Stops polling and waits for the deliveries in flight. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.running) return; // the pass in flight reschedules itself
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    let more = false;
    try {
      const claimed = await this.store.claimDue(16, this.timeoutMs * 3);
      more = claimed.length === 16;
      await Promise.all(
        claimed.map(async ({ row, webhook }) => {
          const result = await sendWebhook({
            url: webhook.url,
            secret: webhook.secret,
            deliveryId: row.delivery_id,
            body: row.payload,
            allowPrivate: this.options.allowPrivate,
            timeoutMs: this.timeoutMs,
            nowSeconds: Math.floor(this.clock() / 1000),
          });
          await this.store.recordAttempt(row.delivery_id, this.outcome(result, row.attempts + 1));
        }),
      );
      more ||= claimed.length > 0;
    } catch (error) {
      // The store may be closing or briefly unavailable; the next pass tries again.
      this.log.warn({ err: error }, 'webhook delivery pass failed');
    }
    if (!this.stopped) {
      this.running = undefined;
      const again = more || this.nudgedWhileRunning;
      this.nudgedWhileRunning = false;
      this.schedule(again ? 0 : this.pollIntervalMs);
    }
  }

  private outcome(result: SendResult, attempt: number) {
    const responseStatus = result.status;
    if (responseStatus !== undefined && responseStatus < 300)
      return { status: 'DELIVERED' as const, responseStatus };
    const error = result.error ?? `HTTP ${responseStatus}`;
    if (!isRetryable(result) || attempt >= this.maxAttempts)
      return { status: 'FAILED' as const, responseStatus, error };
    const backoff = Math.min(this.maxBackoffMs, this.retryBaseMs * 2 ** (attempt - 1));
    const jitter = Math.random() * backoff * 0.2;
    return {
      status: 'PENDING' as const,
      responseStatus,
      error,
      nextAttemptTime: Math.round(this.clock() + backoff + jitter),
    };
  }
}
