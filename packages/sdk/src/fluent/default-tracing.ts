import {
  type Span,
  type StartSpanOptions,
  type TracedFunction,
  type TracedOptions,
  wrapTraced,
} from '../tracing/index.js';
import { getDefaultCairn } from './default-cairn.js';

/** Starts a span of the default `Cairn`'s tracer that the caller must `end()`. */
export function startSpan(options: StartSpanOptions | string): Span;
/** Runs `fn` in a new span (child of the active one) of the default `Cairn`'s tracer. */
export function startSpan<T>(options: StartSpanOptions | string, fn: (span: Span) => T): T;
export function startSpan<T>(options: StartSpanOptions | string, fn?: (span: Span) => T) {
  const tracer = getDefaultCairn().tracer;
  return fn ? tracer.startSpan(options, fn) : tracer.startSpan(options);
}

/**
 * Wraps `fn` so that every call is a span of the default `Cairn` (looked up per call, so wrapping
 * at module load is fine).
 *
 * @example
 * const retrieve = traced(async (query: string) => search(query), { spanType: 'RETRIEVER' });
 */
export function traced<F extends TracedFunction>(fn: F, options: TracedOptions = {}): F {
  return wrapTraced(fn, options, () => getDefaultCairn().tracer);
}

/** Sends every ended span of the default `Cairn` now. */
export function flushTraces(): Promise<void> {
  return getDefaultCairn().tracer.flush();
}
