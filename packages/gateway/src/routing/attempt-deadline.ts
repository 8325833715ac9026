import { CallSignal, type CancelSignal } from '../transport/cancel-signal.js';
import { type DeadlineQueue, deadlineQueue, type QueuedDeadline } from './deadline-queue.js';

/**
 * One attempt's cancellation: `signal` fires on the target's timeout or on client disconnect.
 * A streaming attempt calls `detach()` to keep the timer past its return and then `refresh()`
 * per chunk (an idle timeout) and `clear()` at the end.
 */
export interface AttemptDeadline {
  readonly signal: CancelSignal;
  /** Whether the timer fired (as opposed to the client going away). */
  readonly timedOut: boolean;
  detach(): void;
  refresh(): void;
  clear(): void;
}

/**
 * The deadline of one attempt; it is its own signal, so an attempt costs one object, queued on
 * the shared DeadlineQueue of its timeout rather than on a timer of its own.
 */
export class Deadline extends CallSignal implements AttemptDeadline, QueuedDeadline {
  timedOut = false;
  dueAt = 0;
  previous: QueuedDeadline | undefined = undefined;
  next: QueuedDeadline | undefined = undefined;
  queue: DeadlineQueue | undefined = undefined;
  private detached = false;
  private readonly timeouts: DeadlineQueue;

  constructor(
    private readonly timeoutMs: number,
    private readonly clientSignal?: CancelSignal,
  ) {
    super();
    this.timeouts = deadlineQueue(timeoutMs);
    this.timeouts.add(this);
    if (clientSignal?.aborted) this.onClientAbort();
    else clientSignal?.addEventListener('abort', this.onClientAbort);
  }

  get signal(): CancelSignal {
    return this;
  }

  expire(): void {
    this.timedOut = true;
    this.abort(new Error(`timed out after ${this.timeoutMs} ms`));
  }

  private readonly onClientAbort = (): void => {
    this.abort(new Error('client closed the request'));
  };

  detach(): void {
    this.detached = true;
  }

  refresh(): void {
    if (!this.aborted) this.timeouts.add(this);
  }

  clear(): void {
    this.timeouts.remove(this);
    this.clientSignal?.removeEventListener('abort', this.onClientAbort);
  }

  /** Clears the timer unless a stream took it over. */
  settle(): void {
    if (!this.detached) this.clear();
  }
}
