import type { ModelUsage, StoredSpan, TraceRecord } from './trace-record.js';

/** MLflow's TraceState / TraceStatus names by their proto numbers (v2 PATCH sends numbers too). */
export const traceStates = ['STATE_UNSPECIFIED', 'OK', 'ERROR', 'IN_PROGRESS'] as const;

const spanKinds = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

/** Metadata as MLflow clients expect it: stored entries plus the token-usage roll-up. */
function metadataOf(trace: TraceRecord): Record<string, string> {
  const metadata = { ...trace.metadata };
  if (trace.totalTokens > 0 && metadata['mlflow.trace.tokenUsage'] === undefined) {
    metadata['mlflow.trace.tokenUsage'] = JSON.stringify({
      input_tokens: trace.inputTokens,
      output_tokens: trace.outputTokens,
      total_tokens: trace.totalTokens,
    });
  }
  return metadata;
}

/** TraceInfoV3 JSON (MLflow 3): Timestamp as RFC 3339, Duration as seconds text, maps as objects. */
export function traceInfoV3Json(trace: TraceRecord): Record<string, unknown> {
  const info: Record<string, unknown> = {
    trace_id: trace.requestId,
    trace_location: {
      type: 'MLFLOW_EXPERIMENT',
      mlflow_experiment: { experiment_id: trace.experimentId },
    },
    request_time: new Date(trace.timestampMs).toISOString(),
    state: trace.status,
    trace_metadata: metadataOf(trace),
    tags: trace.tags,
  };
  if (trace.clientRequestId !== null) info.client_request_id = trace.clientRequestId;
  if (trace.requestPreview !== null) info.request_preview = trace.requestPreview;
  if (trace.responsePreview !== null) info.response_preview = trace.responsePreview;
  if (trace.executionTimeMs !== null) info.execution_duration = `${trace.executionTimeMs / 1000}s`;
  return info;
}

/** TraceInfo JSON of MLflow 2 (`request_id`, ms numbers, key/value lists). */
export function traceInfoV2Json(trace: TraceRecord): Record<string, unknown> {
  const pairs = (map: Record<string, string>) =>
    Object.entries(map).map(([key, value]) => ({ key, value }));
  const info: Record<string, unknown> = {
    request_id: trace.requestId,
    experiment_id: trace.experimentId,
    timestamp_ms: trace.timestampMs,
    status: trace.status === 'STATE_UNSPECIFIED' ? 'TRACE_STATUS_UNSPECIFIED' : trace.status,
    request_metadata: pairs(metadataOf(trace)),
    tags: pairs(trace.tags),
  };
  if (trace.executionTimeMs !== null) info.execution_time_ms = trace.executionTimeMs;
  return info;
}

/** The attributes of a span as MLflow writes them: its own keys added, every value JSON text. */
export function mlflowAttributes(span: StoredSpan): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes))
    attributes[key] = JSON.stringify(value);
  attributes['mlflow.traceRequestId'] = JSON.stringify(span.requestId);
  attributes['mlflow.spanType'] = JSON.stringify(span.spanType);
  if (span.inputs !== undefined) attributes['mlflow.spanInputs'] = JSON.stringify(span.inputs);
  if (span.outputs !== undefined) attributes['mlflow.spanOutputs'] = JSON.stringify(span.outputs);
  if (span.normalizations.length > 0) {
    attributes['cairn.normalizations'] = JSON.stringify(span.normalizations);
  }
  return attributes;
}

const base64OfHex = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/**
 * A span as MLflow 3's get-trace answers it: an OpenTelemetry proto Span in proto JSON (ids
 * base64, 64-bit times as decimal text, which protobuf's JSON parser accepts for int64).
 */
export function otelProtoSpanJson(span: StoredSpan): Record<string, unknown> {
  const attributes = Object.entries(mlflowAttributes(span)).map(([key, value]) => ({
    key,
    value: { string_value: value },
  }));
  return {
    trace_id: base64OfHex(span.otelTraceId),
    span_id: base64OfHex(span.spanId),
    parent_span_id: span.parentSpanId ? base64OfHex(span.parentSpanId) : '',
    name: span.name,
    kind: spanKinds[span.kind] ?? 'SPAN_KIND_UNSPECIFIED',
    start_time_unix_nano: span.startTimeNs,
    end_time_unix_nano: span.endTimeNs ?? span.startTimeNs,
    attributes,
    events: span.events.map((event) => ({
      time_unix_nano: event.time_unix_nano,
      name: event.name,
      attributes: Object.entries(event.attributes).map(([key, value]) => ({
        key,
        value: { string_value: typeof value === 'string' ? value : JSON.stringify(value) },
      })),
    })),
    status: {
      code: `STATUS_CODE_${span.status}`,
      ...(span.statusMessage ? { message: span.statusMessage } : {}),
    },
  };
}

/** Cairn's own span JSON: typed fields first, attributes as plain values, times in ns text. */
export function cairnSpanJson(span: StoredSpan): Record<string, unknown> {
  const durationNs =
    span.endTimeNs === null ? null : BigInt(span.endTimeNs) - BigInt(span.startTimeNs);
  return {
    trace_id: span.requestId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    otel_trace_id: span.otelTraceId,
    name: span.name,
    span_type: span.spanType,
    kind: spanKinds[span.kind] ?? 'SPAN_KIND_UNSPECIFIED',
    start_time_ns: span.startTimeNs,
    end_time_ns: span.endTimeNs,
    duration_ms: durationNs === null ? null : Number(durationNs) / 1e6,
    status: span.status,
    status_message: span.statusMessage,
    model: span.model,
    usage:
      span.totalTokens === null
        ? null
        : {
            input_tokens: span.inputTokens,
            output_tokens: span.outputTokens,
            total_tokens: span.totalTokens,
          },
    cost: span.cost,
    inputs: span.inputs ?? null,
    outputs: span.outputs ?? null,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    normalizations: span.normalizations,
  };
}

/** Cairn's trace JSON: MLflow's v3 info plus the roll-ups Cairn keeps. */
export function cairnTraceJson(trace: TraceRecord, usage?: ModelUsage[]): Record<string, unknown> {
  return {
    ...traceInfoV3Json(trace),
    name: trace.name,
    execution_time_ms: trace.executionTimeMs,
    timestamp_ms: trace.timestampMs,
    span_count: trace.spanCount,
    usage: {
      input_tokens: trace.inputTokens,
      output_tokens: trace.outputTokens,
      total_tokens: trace.totalTokens,
    },
    cost: trace.cost,
    ...(usage
      ? {
          usage_by_model: usage.map((entry) => ({
            model: entry.model,
            input_tokens: entry.inputTokens,
            output_tokens: entry.outputTokens,
            total_tokens: entry.totalTokens,
            cost: entry.cost,
            span_count: entry.spanCount,
          })),
        }
      : {}),
  };
}
