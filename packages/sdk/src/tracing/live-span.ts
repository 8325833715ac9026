import { encodeValue } from './encode-value.js';
import { mlflowTraceId } from './ids.js';
import type { SpanTypeName } from './span-type.js';
import { TraceAttribute } from './trace-attributes.js';
import type { TraceState } from './trace-state.js';

/** A span's status: OpenTelemetry's three codes, with a message for errors. */
export interface SpanStatus {
  code: 'UNSET' | 'OK' | 'ERROR';
  message?: string;
}

/** A point in time within a span, with plain (not JSON-encoded) attribute values. */
export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, unknown>;
}

/** The span API user code sees (from `startSpan`, `getCurrentSpan`, instrumentation). */
export interface Span {
  /** The MLflow trace id, `tr-<32 hex>`. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** False when the trace was sampled out: every call below is then a cheap no-op. */
  readonly isRecording: boolean;
  setAttribute(key: string, value: unknown): this;
  setAttributes(attributes: Record<string, unknown>): this;
  setSpanType(spanType: SpanTypeName): this;
  setInputs(inputs: unknown): this;
  setOutputs(outputs: unknown): this;
  addEvent(name: string, attributes?: Record<string, unknown>, timeMs?: number): this;
  setStatus(code: SpanStatus['code'], message?: string): this;
  /** Records an `exception` event (type, message, stack) and sets status ERROR. */
  recordException(error: unknown): this;
  /** Ends the span (once; later calls are ignored) and hands it to the exporter. */
  end(options?: { outputs?: unknown; endTimeMs?: number }): void;
}

/** A stored attribute value: what OpenTelemetry can carry without nesting. */
export type AttributeValue = string | number | boolean;

/**
 * MLflow stores its own attributes (`mlflow.*`) as JSON text, strings included; other keys keep
 * OpenTelemetry's typed values (string, number, boolean), objects and arrays as JSON text.
 */
export function attributeValue(key: string, value: unknown): AttributeValue {
  if (key.startsWith('mlflow.')) return encodeValue(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return encodeValue(value);
}

/** Wall-clock milliseconds with sub-millisecond precision, from the monotonic clock. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The span implementation; once ended it is the read-only record the exporter encodes. */
export class LiveSpan implements Span {
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly trace: TraceState;
  readonly startTimeMs: number;
  endTimeMs: number | undefined;
  status: SpanStatus = { code: 'UNSET' };
  /** Attribute values: JSON text under MLflow's and Cairn's keys, plain values otherwise. */
  readonly attributes = new Map<string, AttributeValue>();
  readonly events: SpanEvent[] = [];
  private hasOutputs = false;
  private readonly onEnd: (span: LiveSpan) => void;

  constructor(init: {
    trace: TraceState;
    spanId: string;
    parentSpanId: string | undefined;
    name: string;
    spanType: SpanTypeName;
    startTimeMs?: number;
    onEnd: (span: LiveSpan) => void;
  }) {
    this.trace = init.trace;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.name = init.name;
    this.startTimeMs = init.startTimeMs ?? nowMs();
    this.onEnd = init.onEnd;
    if (this.trace.sampled)
      this.attributes.set(TraceAttribute.spanType, encodeValue(init.spanType));
  }

  get traceId(): string {
    return mlflowTraceId(this.trace.traceId);
  }

  get isRecording(): boolean {
    return this.trace.sampled && this.endTimeMs === undefined;
  }

  /** Whether outputs were set (so wrappers know not to overwrite them). */
  get outputsSet(): boolean {
    return this.hasOutputs;
  }

  setAttribute(key: string, value: unknown): this {
    if (this.isRecording && value !== undefined)
      this.attributes.set(key, attributeValue(key, value));
    return this;
  }

  setAttributes(attributes: Record<string, unknown>): this {
    if (!this.isRecording) return this;
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  setSpanType(spanType: SpanTypeName): this {
    return this.setAttribute(TraceAttribute.spanType, spanType);
  }

  setInputs(inputs: unknown): this {
    return this.setAttribute(TraceAttribute.spanInputs, inputs);
  }

  setOutputs(outputs: unknown): this {
    if (this.isRecording) this.hasOutputs = true;
    return this.setAttribute(TraceAttribute.spanOutputs, outputs);
  }

  addEvent(name: string, attributes: Record<string, unknown> = {}, timeMs?: number): this {
    if (this.isRecording) this.events.push({ name, timeMs: timeMs ?? nowMs(), attributes });
    return this;
  }

  setStatus(code: SpanStatus['code'], message?: string): this {
    if (this.isRecording) this.status = message === undefined ? { code } : { code, message };
    return this;
  }

  recordException(error: unknown): this {
    if (!this.isRecording) return this;
    const type = error instanceof Error ? error.name || error.constructor.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    const attributes: Record<string, unknown> = {
      'exception.type': type,
      'exception.message': message,
    };
    if (error instanceof Error && error.stack) attributes['exception.stacktrace'] = error.stack;
    this.addEvent('exception', attributes);
    return this.setStatus('ERROR', `${type}: ${message}`);
  }

  end(options: { outputs?: unknown; endTimeMs?: number } = {}): void {
    if (this.endTimeMs !== undefined) return;
    if (options.outputs !== undefined) this.setOutputs(options.outputs);
    if (this.trace.sampled && this.status.code === 'UNSET') this.status = { code: 'OK' };
    this.endTimeMs = options.endTimeMs ?? nowMs();
    if (!this.trace.sampled) return;
    if (this.trace.root === this) this.trace.writeTraceAttributes(this.attributes);
    try {
      this.onEnd(this);
    } catch {
      // A processor must never throw into user code; the processor counts its own failures.
    }
  }
}
