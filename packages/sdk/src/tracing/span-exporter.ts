import type { LiveSpan } from './live-span.js';

/** Sends ended spans somewhere; rejects when a batch could not be delivered (after retries). */
export interface SpanExporter {
  export(spans: readonly LiveSpan[]): Promise<void>;
  shutdown?(): Promise<void>;
}
