import { AsyncLocalStorage } from 'node:async_hooks';
import type { LiveSpan } from './live-span.js';

// The one process-wide piece of tracing state, on purpose: like OpenTelemetry's context manager,
// the active span must be visible to every tracer and instrumentation in the process, or a span
// started by `@cairn/sdk/openai` could not find the `traced` function that called it.
const storage = new AsyncLocalStorage<LiveSpan>();

/** The span active in this async context, if any. */
export function activeSpan(): LiveSpan | undefined {
  return storage.getStore();
}

/** Runs `fn` with `span` as the active span of its async context (and of what it awaits). */
export function runInSpan<T>(span: LiveSpan, fn: () => T): T {
  return storage.run(span, fn);
}
