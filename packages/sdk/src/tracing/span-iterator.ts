import type { LiveSpan } from './live-span.js';
import { runInSpan } from './span-context.js';

/** Yielded values kept as a generator span's outputs at most; later ones are counted only. */
const maxRecordedItems = 1000;

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

/** Whether a function returned a (sync or async) generator-like iterator rather than a value. */
export function isIterator(value: unknown): value is AnyIterator & object {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<PropertyKey, unknown>;
  return (
    typeof candidate.next === 'function' &&
    (typeof candidate[Symbol.asyncIterator] === 'function' ||
      typeof candidate[Symbol.iterator] === 'function')
  );
}

/**
 * Wraps a generator so that the span lives as long as the iteration: each step runs with the
 * span active (spans started in the generator body nest under it), yielded values become the
 * outputs, and the span ends when the generator finishes, throws, or is abandoned (`return`).
 */
export function spanIterator<T extends AnyIterator>(
  span: LiveSpan,
  source: T,
  captureOutputs: boolean,
): T {
  const isAsync =
    typeof (source as unknown as Record<PropertyKey, unknown>)[Symbol.asyncIterator] === 'function';
  const items: unknown[] = [];
  let count = 0;
  let finished = false;
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    if (error !== undefined) span.recordException(error);
    if (captureOutputs && error === undefined && !span.outputsSet) {
      span.setOutputs(count > items.length ? { items, total: count } : items);
    }
    span.end();
  };
  const settle = (result: IteratorResult<unknown>) => {
    if (result.done) finish();
    else {
      count += 1;
      if (captureOutputs && items.length < maxRecordedItems) items.push(result.value);
    }
    return result;
  };
  const step = (method: 'next' | 'return' | 'throw', argument: unknown[]) => {
    const call = (
      source as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>
    )[method];
    if (typeof call !== 'function') {
      if (method === 'throw') throw argument[0];
      finish();
      return isAsync
        ? Promise.resolve({ done: true, value: argument[0] })
        : { done: true, value: argument[0] };
    }
    let result: unknown;
    try {
      result = runInSpan(span, () => call.apply(source, argument));
    } catch (error) {
      finish(error);
      throw error;
    }
    if (isAsync) {
      return (result as Promise<IteratorResult<unknown>>).then(
        (value) => {
          if (method === 'return') finish();
          return settle(value);
        },
        (error: unknown) => {
          finish(error);
          throw error;
        },
      );
    }
    if (method === 'return') finish();
    return settle(result as IteratorResult<unknown>);
  };
  const wrapper: Record<PropertyKey, unknown> = {
    next: (...argument: unknown[]) => step('next', argument),
    return: (...argument: unknown[]) => step('return', argument),
    throw: (...argument: unknown[]) => step('throw', argument),
  };
  wrapper[isAsync ? Symbol.asyncIterator : Symbol.iterator] = () => wrapper;
  return wrapper as unknown as T;
}
