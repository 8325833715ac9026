import { nowMs, type Span } from '../live-span.js';
import { TraceAttribute } from '../trace-attributes.js';
import type { Tracer } from '../tracer.js';
import type { LlmCallSpec, StreamRecorder } from './llm-call-spec.js';

const instrumented = Symbol.for('cairn.instrumented');

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Replaces `owner[key]` (an SDK resource's `create`) by a traced version on that object only.
 * The original's return value is handed back untouched (an SDK's promise subclass keeps its
 * extra methods); the span is completed from a side subscription, and a streamed answer is
 * observed by wrapping the stream's own iterator. Answers false when there was nothing to patch.
 */
export function instrumentMethod(
  owner: unknown,
  key: string,
  spec: LlmCallSpec,
  tracer: () => Tracer,
): boolean {
  if (owner === null || typeof owner !== 'object') return false;
  const target = owner as Record<string, unknown>;
  const original = target[key];
  if (typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[instrumented]) return true;
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const request = args[0];
    let span: Span | undefined;
    try {
      span = tracer().startSpan({
        name: spec.name,
        spanType: spec.spanType,
        inputs: request,
        attributes: requestAttributes(spec, request),
      });
    } catch {
      // Tracing must never stand between the application and its model call.
    }
    if (!span) return (original as AnyMethod).apply(this, args);
    const started = nowMs();
    let result: unknown;
    try {
      result = (original as AnyMethod).apply(this, args);
    } catch (error) {
      span.recordException(error);
      span.end();
      throw error;
    }
    const live = span;
    if (!isThenable(result)) {
      complete(live, spec, request, result, started);
      return result;
    }
    result.then(
      (value) => complete(live, spec, request, value, started),
      (error: unknown) => {
        live.recordException(error);
        live.end();
      },
    );
    return result;
  };
  Object.defineProperty(traced, instrumented, { value: true });
  target[key] = traced;
  return true;
}

function requestAttributes(spec: LlmCallSpec, request: unknown): Record<string, unknown> {
  const attributes: Record<string, unknown> = { [TraceAttribute.provider]: spec.provider };
  const model = (request as { model?: unknown } | undefined)?.model;
  if (typeof model === 'string') attributes[TraceAttribute.model] = model;
  return attributes;
}

function complete(
  span: Span,
  spec: LlmCallSpec,
  request: unknown,
  value: unknown,
  started: number,
) {
  try {
    if (spec.isStream(request) && observeStream(value, span, spec.streamRecorder(), started))
      return;
    spec.recordResult(span, value);
  } catch (error) {
    span.setAttribute('cairn.instrumentation.error', String(error));
  }
  span.end();
}

interface IterableStream {
  iterator?: () => AsyncIterator<unknown>;
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>;
}

/**
 * Wraps the stream's iterator so that every chunk the application reads is also recorded; the
 * span ends when the stream is exhausted, fails or is abandoned (`break`).
 */
function observeStream(
  value: unknown,
  span: Span,
  recorder: StreamRecorder,
  started: number,
): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stream = value as IterableStream;
  // The official SDKs keep the source iterator in an own `iterator` field that `tee()`,
  // `toReadableStream()` and `for await` all go through; patch that, else the async iterator.
  const field = typeof stream.iterator === 'function' ? 'iterator' : Symbol.asyncIterator;
  const source = stream[field];
  if (typeof source !== 'function') return false;
  stream[field] = function (this: unknown) {
    return recordChunks(source.call(this), span, recorder, started);
  };
  return true;
}

async function* recordChunks(
  chunks: AsyncIterator<unknown>,
  span: Span,
  recorder: StreamRecorder,
  started: number,
): AsyncGenerator<unknown> {
  let firstToken = true;
  let failed = false;
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      let hasContent = false;
      try {
        hasContent = recorder.add(next.value);
      } catch {
        // A chunk shape the recorder does not know is passed through unrecorded.
      }
      if (hasContent && firstToken) {
        firstToken = false;
        const now = nowMs();
        span.addEvent('first_token', {}, now);
        span.setAttribute(
          TraceAttribute.timeToFirstTokenMs,
          Math.round((now - started) * 1000) / 1000,
        );
      }
      yield next.value;
    }
  } catch (error) {
    failed = true;
    span.recordException(error);
    throw error;
  } finally {
    if (!failed) {
      try {
        recorder.finish(span);
      } catch {
        // Keep what was recorded.
      }
    }
    span.end();
    // An abandoned stream (`break`) must still release the connection.
    await chunks.return?.();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
