import {
  BatchSpanProcessor,
  type BatchSpanProcessorOptions,
  type ExportStats,
} from './batch-span-processor.js';
import { newSpanId, newTraceId } from './ids.js';
import { LiveSpan, type Span } from './live-span.js';
import { isSampled } from './sampler.js';
import { activeSpan, runInSpan } from './span-context.js';
import type { SpanExporter } from './span-exporter.js';
import { isIterator, spanIterator } from './span-iterator.js';
import type { SpanTypeName } from './span-type.js';
import { sourceRunKey } from './trace-attributes.js';
import { TraceState, type TraceUpdate } from './trace-state.js';
import { type TracedFunction, type TracedOptions, wrapTraced } from './traced.js';

/** What a new span is. */
export interface StartSpanOptions {
  name: string;
  /** Defaults to UNKNOWN. */
  spanType?: SpanTypeName;
  attributes?: Record<string, unknown>;
  inputs?: unknown;
  /** Parent span; defaults to the active span; `null` starts a new trace. */
  parent?: Span | null;
  /** Start time in epoch milliseconds; defaults to now. */
  startTimeMs?: number;
}

/** The run a trace started inside, as the fluent API knows it. */
export interface TraceRunLink {
  runId: string;
  experimentId: string;
}

/** Options of a `Tracer`. */
export interface TracerOptions extends BatchSpanProcessorOptions {
  exporter: SpanExporter;
  /** Share of traces kept, 0..1, decided per trace from its id (default 1). */
  samplingRatio?: number;
  /** The run active where a trace starts: the trace goes to its experiment, linked by `mlflow.sourceRun`. */
  activeRun?: () => TraceRunLink | undefined;
  /** The experiment of traces started outside a run, when known; else the exporter decides. */
  experimentId?: () => string | undefined;
}

/**
 * Creates spans, keeps the active one in the async context, and feeds ended spans to a batch
 * processor. Nothing here throws into user code except the user's own errors, rethrown unchanged.
 *
 * @example
 * const answer = await tracer.startSpan({ name: 'retrieve', spanType: 'RETRIEVER', inputs: { query } },
 *   async (span) => { const docs = await search(query); span.setOutputs(docs); return docs; });
 */
export class Tracer {
  private readonly processor: BatchSpanProcessor;
  private readonly samplingRatio: number;
  private readonly activeRun: () => TraceRunLink | undefined;
  private readonly experimentId: () => string | undefined;
  private readonly endSpan = (span: LiveSpan): void => this.processor.onEnd(span);

  constructor(options: TracerOptions) {
    this.processor = new BatchSpanProcessor(options.exporter, options);
    this.samplingRatio = options.samplingRatio ?? 1;
    this.activeRun = options.activeRun ?? (() => undefined);
    this.experimentId = options.experimentId ?? (() => undefined);
  }

  /** Starts a span the caller must `end()`; it does not become the active span. */
  startSpan(options: StartSpanOptions | string): Span;
  /**
   * Runs `fn` in a new span that is active for `fn`'s async context. The span ends when `fn`
   * returns or its promise settles; the result becomes the span's outputs unless `fn` set them; an
   * error is recorded (status ERROR, `exception` event) and rethrown unchanged.
   */
  startSpan<T>(options: StartSpanOptions | string, fn: (span: Span) => T): T;
  startSpan<T>(options: StartSpanOptions | string, fn?: (span: Span) => T): T | Span {
    const span = this.createSpan(typeof options === 'string' ? { name: options } : options);
    if (!fn) return span;
    return runTracked(span, () => fn(span), true);
  }

  /** Wraps `fn` so that each call runs in a span capturing arguments and result. */
  traced<F extends TracedFunction>(fn: F, options: TracedOptions = {}): F {
    return wrapTraced(fn, options, () => this);
  }

  /** @internal Runs `body` in a new span (used by `traced`). */
  runInNewSpan<T>(options: StartSpanOptions, body: (span: LiveSpan) => T, captureOutputs: boolean) {
    const span = this.createSpan(options);
    return runTracked(span, () => body(span), captureOutputs);
  }

  /** Sends every ended span now; never rejects. */
  flush(): Promise<void> {
    return this.processor.forceFlush();
  }

  /** Flushes and stops exporting; spans ending later are dropped. Safe to call repeatedly. */
  shutdown(): Promise<void> {
    return this.processor.shutdown();
  }

  /** Export counters: queued, exported, dropped, failed. */
  stats(): ExportStats {
    return this.processor.stats();
  }

  private createSpan(options: StartSpanOptions): LiveSpan {
    const parent =
      options.parent === undefined
        ? activeSpan()
        : options.parent instanceof LiveSpan
          ? options.parent
          : undefined;
    let trace: TraceState;
    if (parent) {
      trace = parent.trace;
    } else {
      const traceId = newTraceId();
      const run = this.activeRun();
      trace = new TraceState(
        traceId,
        isSampled(traceId, this.samplingRatio),
        run?.experimentId ?? this.experimentId(),
        run ? { [sourceRunKey]: run.runId } : {},
      );
    }
    const span = new LiveSpan({
      trace,
      spanId: newSpanId(),
      parentSpanId: parent?.spanId,
      name: options.name,
      spanType: options.spanType ?? 'UNKNOWN',
      startTimeMs: options.startTimeMs,
      onEnd: this.endSpan,
    });
    if (!parent) trace.root = span;
    if (trace.sampled) {
      if (options.attributes) span.setAttributes(options.attributes);
      if (options.inputs !== undefined) span.setInputs(options.inputs);
    }
    return span;
  }
}

/** The span active in this async context (from any tracer), if any. */
export function getCurrentSpan(): Span | undefined {
  return activeSpan();
}

/**
 * Adds user, session, tags, metadata or a name to the trace of the active span; they travel on the
 * trace's root span. Without an active span this does nothing.
 */
export function updateCurrentTrace(update: TraceUpdate): void {
  const span = activeSpan();
  if (!span?.trace.sampled) return;
  span.trace.update(update);
  // The root has already been sent (a detached span outliving it): carry the data on this span.
  if (span.trace.root?.endTimeMs !== undefined && span.isRecording) {
    span.trace.writeTraceAttributes(span.attributes);
  }
}

function runTracked<T>(span: LiveSpan, body: () => T, captureOutputs: boolean): T {
  let result: T;
  try {
    result = runInSpan(span, body);
  } catch (error) {
    span.recordException(error);
    span.end();
    throw error;
  }
  if (isIterator(result)) return spanIterator(span, result, captureOutputs) as T;
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (value) => {
        finish(span, value, captureOutputs);
        return value;
      },
      (error: unknown) => {
        span.recordException(error);
        span.end();
        throw error;
      },
    ) as T;
  }
  finish(span, result, captureOutputs);
  return result;
}

function finish(span: LiveSpan, value: unknown, captureOutputs: boolean): void {
  if (captureOutputs && value !== undefined && !span.outputsSet) span.setOutputs(value);
  span.end();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
