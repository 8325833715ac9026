/** A trace as the store returns it, before any wire format. */
export interface TraceRecord {
  requestId: string;
  experimentId: string;
  clientRequestId: string | null;
  timestampMs: number;
  executionTimeMs: number | null;
  status: string;
  name: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
  spanCount: number;
  rootSpanId: string | null;
  spansImported: boolean;
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

/** A span as the store returns it; JSON columns parsed. */
export interface StoredSpan {
  requestId: string;
  spanId: string;
  parentSpanId: string | null;
  otelTraceId: string;
  name: string;
  spanType: string;
  kind: number;
  startTimeNs: string;
  endTimeNs: string | null;
  status: string;
  statusMessage: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cost: number | null;
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  inputs: unknown;
  outputs: unknown;
  /** What was normalised on the way in (truncations, clamped times). */
  normalizations: string[];
}

/** Token usage and cost of one model within a trace. */
export interface ModelUsage {
  model: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
  spanCount: number;
}

/** A session: traces sharing `mlflow.trace.session` metadata, rolled up. */
export interface SessionSummary {
  sessionId: string;
  traceCount: number;
  totalTokens: number;
  cost: number;
  firstTimestampMs: number;
  lastTimestampMs: number;
}
