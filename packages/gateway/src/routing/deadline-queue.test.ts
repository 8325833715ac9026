import { describe, expect, it } from 'vitest';
import { CallSignal } from '../transport/cancel-signal.js';
import { Deadline } from './attempt-deadline.js';
import { DeadlineQueue, type QueuedDeadline } from './deadline-queue.js';

function entry(name: string, expired: string[]): QueuedDeadline {
  return {
    dueAt: 0,
    previous: undefined,
    next: undefined,
    queue: undefined,
    expire: () => expired.push(name),
  };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineQueue', () => {
  it('expires entries in the order they were queued, skipping removed ones', async () => {
    const queue = new DeadlineQueue(20);
    const expired: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => entry(name, expired)) as [
      QueuedDeadline,
      QueuedDeadline,
      QueuedDeadline,
    ];
    queue.add(a);
    queue.add(b);
    queue.add(c);
    // Removing the head: the armed timer must still reach the entries behind it.
    queue.remove(a);
    await wait(60);
    expect(expired).toEqual(['b', 'c']);
    expect(b.queue).toBeUndefined();
  });

  it('moves a re-added entry to the end with a new due time', async () => {
    const queue = new DeadlineQueue(200);
    const expired: string[] = [];
    const a = entry('a', expired);
    const b = entry('b', expired);
    queue.add(a);
    await wait(100);
    queue.add(b);
    queue.add(a);
    // Past a's first due time (200 ms), before both new ones (300 ms).
    await wait(150);
    expect(expired).toEqual([]);
    await wait(150);
    expect(expired).toEqual(['b', 'a']);
  });
});

describe('Deadline', () => {
  it('aborts its signal when the timeout passes, and not once cleared', async () => {
    const fired = new Deadline(15);
    const cleared = new Deadline(15);
    cleared.clear();
    await wait(50);
    expect(fired.signal.aborted).toBe(true);
    expect(fired.timedOut).toBe(true);
    expect(cleared.signal.aborted).toBe(false);
  });

  it('follows the client signal until it is cleared', () => {
    const client = new CallSignal();
    const followed = new Deadline(60_000, client);
    const cleared = new Deadline(60_000, client);
    cleared.clear();
    client.abort(new Error('gone'));
    expect(followed.signal.aborted).toBe(true);
    expect(followed.timedOut).toBe(false);
    expect(cleared.signal.aborted).toBe(false);
    followed.clear();
  });

  it('is aborted at once when the client is already gone', () => {
    const client = new CallSignal();
    client.abort(new Error('gone'));
    const deadline = new Deadline(60_000, client);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
    deadline.clear();
  });
});

describe('CallSignal', () => {
  it('calls every listener still registered, once', () => {
    const signal = new CallSignal();
    const calls: string[] = [];
    const first = () => calls.push('first');
    const second = () => calls.push('second');
    const third = () => calls.push('third');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', second);
    signal.addEventListener('abort', third);
    signal.removeEventListener('abort', first);
    signal.removeEventListener('abort', third);
    signal.abort();
    signal.abort();
    expect(calls).toEqual(['second']);
  });
});
