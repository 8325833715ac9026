/** An entry of a DeadlineQueue: the links live on the entry itself, so queueing allocates nothing. */
export interface QueuedDeadline {
  /** performance.now() at which `expire` runs. */
  dueAt: number;
  previous: QueuedDeadline | undefined;
  next: QueuedDeadline | undefined;
  queue: DeadlineQueue | undefined;
  expire(): void;
}

/**
 * Deadlines of one duration, kept in the order they were set, which is also the order they fall
 * due, with a single timer for the earliest. Every provider attempt has a deadline that almost
 * never fires: Node's setTimeout plus clearTimeout cost more per attempt than appending to and
 * unlinking from this list. The timer is unreferenced: the attempt's own I/O keeps the process up.
 */
export class DeadlineQueue {
  private head: QueuedDeadline | undefined;
  private tail: QueuedDeadline | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly durationMs: number) {}

  /** Queues `entry` to expire `durationMs` from now (moving it to the end if already queued). */
  add(entry: QueuedDeadline): void {
    if (entry.queue) this.remove(entry);
    entry.dueAt = performance.now() + this.durationMs;
    entry.queue = this;
    entry.previous = this.tail;
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    if (!this.timer) this.arm(entry.dueAt);
  }

  /** Takes `entry` out; the timer stays armed and re-arms for the next entry when it fires. */
  remove(entry: QueuedDeadline): void {
    if (entry.queue !== this) return;
    const { previous, next } = entry;
    if (previous) previous.next = next;
    else this.head = next;
    if (next) next.previous = previous;
    else this.tail = previous;
    entry.previous = entry.next = entry.queue = undefined;
  }

  private arm(dueAt: number): void {
    const delay = Math.max(1, Math.ceil(dueAt - performance.now()));
    this.timer = setTimeout(this.fire, delay);
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    // Entries are in due order: stop at the first that is not due yet.
    while (this.head && this.head.dueAt <= now) {
      const entry = this.head;
      this.remove(entry);
      entry.expire();
    }
    if (this.head) this.arm(this.head.dueAt);
  };
}

const queues = new Map<number, DeadlineQueue>();

/** The shared queue for deadlines of `durationMs` (routes share a handful of distinct timeouts). */
export function deadlineQueue(durationMs: number): DeadlineQueue {
  let queue = queues.get(durationMs);
  if (!queue) {
    queue = new DeadlineQueue(durationMs);
    queues.set(durationMs, queue);
  }
  return queue;
}
