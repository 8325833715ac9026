/** A span as Cairn's trace API returns it (GET /api/2.0/cairn/traces/{id}/spans). */
export interface CairnSpan {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  otel_trace_id: string;
  name: string;
  span_type: string;
  kind: string;
  start_time_ns: string;
  end_time_ns: string | null;
  status: string;
  status_message: string | null;
  inputs: unknown;
  outputs: unknown;
  attributes: Record<string, unknown>;
  events: { name: string; time_unix_nano: string; attributes: Record<string, unknown> }[];
}

const spanKinds = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const statusCodes: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

function anyValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value && typeof value === 'object') {
    return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
  }
  return { stringValue: '' };
}

function keyValues(attributes: Record<string, unknown>): { key: string; value: unknown }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/**
 * An OTLP JSON ExportTraceServiceRequest holding `spans`, ready to POST to any OTLP/HTTP
 * endpoint (Cairn's own `/v1/traces` included). Span type, inputs and outputs travel as MLflow's
 * attributes, so re-importing keeps their meaning.
 */
export function toOtlpJson(spans: readonly CairnSpan[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cairn-export' } }] },
        scopeSpans: [
          {
            scope: { name: 'cairn' },
            spans: spans.map((span) => {
              const attributes: Record<string, unknown> = {
                ...span.attributes,
                'mlflow.traceRequestId': JSON.stringify(span.trace_id),
                'mlflow.spanType': JSON.stringify(span.span_type),
              };
              if (span.inputs !== null)
                attributes['mlflow.spanInputs'] = JSON.stringify(span.inputs);
              if (span.outputs !== null)
                attributes['mlflow.spanOutputs'] = JSON.stringify(span.outputs);
              return {
                traceId: span.otel_trace_id,
                spanId: span.span_id,
                ...(span.parent_span_id ? { parentSpanId: span.parent_span_id } : {}),
                name: span.name,
                kind: Math.max(0, spanKinds.indexOf(span.kind)),
                startTimeUnixNano: span.start_time_ns,
                endTimeUnixNano: span.end_time_ns ?? span.start_time_ns,
                attributes: keyValues(attributes),
                events: span.events.map((event) => ({
                  name: event.name,
                  timeUnixNano: event.time_unix_nano,
                  attributes: keyValues(event.attributes),
                })),
                status: {
                  code: statusCodes[span.status] ?? 0,
                  ...(span.status_message ? { message: span.status_message } : {}),
                },
              };
            }),
          },
        ],
      },
    ],
  };
}
