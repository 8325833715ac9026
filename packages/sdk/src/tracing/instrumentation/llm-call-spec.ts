import type { Span } from '../live-span.js';
import type { SpanTypeName } from '../span-type.js';

/** Collects a streamed answer chunk by chunk and records it on the span at the end. */
export interface StreamRecorder {
  /** Takes one chunk; answers true when it carried generated content (for time to first token). */
  add(chunk: unknown): boolean;
  /** Records outputs, usage and model on the span (the span is ended by the caller). */
  finish(span: Span): void;
}

/** How one SDK method is traced. */
export interface LlmCallSpec {
  /** Span name, e.g. `openai.chat.completions`. */
  name: string;
  spanType: SpanTypeName;
  provider: string;
  /** Whether the request asks for a stream (`stream: true`). */
  isStream(request: unknown): boolean;
  /** Records a complete (non-streamed) answer on the span. */
  recordResult(span: Span, result: unknown): void;
  /** A fresh recorder for a streamed answer. */
  streamRecorder(): StreamRecorder;
}
