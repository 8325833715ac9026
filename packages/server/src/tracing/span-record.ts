import type { PriceCatalogue } from '@cairn/spec';
import type { OtlpSpan } from './otlp-span.js';
import { spanSemantics } from './semantic-conventions.js';

/** Longest text kept for one attribute value, input or output (characters); longer is cut and noted. */
export const maxValueChars = 1024 * 1024;
/** Longest request/response preview on a trace, as MLflow's OSS store keeps. */
export const maxPreviewChars = 1000;

/** A span ready for the database: semantic fields extracted, JSON encoded, sizes bounded. */
export interface SpanRecord {
  requestId: string;
  spanId: string;
  parentSpanId: string | null;
  otelTraceId: string;
  name: string;
  spanType: string;
  kind: number;
  startTimeNs: string;
  endTimeNs: string | null;
  status: 'OK' | 'ERROR' | 'UNSET';
  statusMessage: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cost: number | null;
  attributes: string;
  events: string | null;
  links: string | null;
  inputs: string | null;
  outputs: string | null;
  /** JSON list of what was normalised on the way in (truncations, clamped times), or null. */
  truncated: string | null;
  session: string | null;
  user: string | null;
}

const statusNames = ['UNSET', 'OK', 'ERROR'] as const;

/** Turns a decoded span into its stored form. `prices` overrides the default price catalogue. */
export function toSpanRecord(span: OtlpSpan, prices?: PriceCatalogue): SpanRecord {
  const notes: string[] = [];
  const attributes = decodeAttributes(span.attributes);
  const semantics = spanSemantics(attributes, prices);
  // Inputs and outputs live in their own columns; MLflow's keys would only duplicate them.
  delete attributes['mlflow.spanInputs'];
  delete attributes['mlflow.spanOutputs'];
  boundAttributes(attributes, notes, 'attribute');
  let endTimeNs = span.endTimeNs;
  if (endTimeNs !== null && BigInt(endTimeNs) < BigInt(span.startTimeNs)) {
    notes.push(`end_time ${endTimeNs} was before start_time; set to start_time`);
    endTimeNs = span.startTimeNs;
  }
  const events = span.events.map((event) => {
    boundAttributes(event.attributes, notes, `event ${event.name} attribute`);
    return { name: event.name, time_unix_nano: event.timeUnixNano, attributes: event.attributes };
  });
  return {
    requestId: semantics.requestId ?? `tr-${span.traceId}`,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    otelTraceId: span.traceId,
    name: span.name,
    spanType: semantics.spanType,
    kind: span.kind,
    startTimeNs: span.startTimeNs,
    endTimeNs,
    status: statusNames[span.statusCode] ?? 'UNSET',
    statusMessage: span.statusMessage === '' ? null : span.statusMessage,
    model: semantics.model,
    inputTokens: semantics.usage?.inputTokens ?? null,
    outputTokens: semantics.usage?.outputTokens ?? null,
    totalTokens: semantics.usage?.totalTokens ?? null,
    cost: semantics.cost,
    attributes: JSON.stringify(attributes),
    events: events.length > 0 ? JSON.stringify(events) : null,
    links: span.links.length > 0 ? JSON.stringify(span.links) : null,
    inputs: boundedJson(semantics.inputs, notes, 'inputs'),
    outputs: boundedJson(semantics.outputs, notes, 'outputs'),
    truncated: notes.length > 0 ? JSON.stringify(notes) : null,
    session: semantics.session,
    user: semantics.user,
  };
}

/** The first `maxPreviewChars` characters of a stored input or output, as MLflow previews. */
export function previewOf(json: string | null): string | null {
  if (json === null) return null;
  return json.length > maxPreviewChars ? json.slice(0, maxPreviewChars) : json;
}

/**
 * MLflow writes its own attributes (`mlflow.*`) as JSON text, and OpenInference marks JSON
 * inputs and outputs with a mime type; both are parsed so every source stores plain values.
 */
function decodeAttributes(raw: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string' && key.startsWith('mlflow.')) attributes[key] = parseJson(value);
  }
  for (const prefix of ['input', 'output']) {
    const value = attributes[`${prefix}.value`];
    if (typeof value === 'string' && attributes[`${prefix}.mime_type`] === 'application/json') {
      attributes[`${prefix}.value`] = parseJson(value);
    }
  }
  return attributes;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function boundAttributes(attributes: Record<string, unknown>, notes: string[], what: string): void {
  for (const [key, value] of Object.entries(attributes)) {
    if (typeof value === 'string') {
      if (value.length > maxValueChars) {
        attributes[key] = value.slice(0, maxValueChars);
        notes.push(`${what} ${key} truncated from ${value.length} to ${maxValueChars} characters`);
      }
    } else if (value !== null && typeof value === 'object') {
      const json = JSON.stringify(value);
      if (json.length > maxValueChars) {
        attributes[key] = json.slice(0, maxValueChars);
        notes.push(`${what} ${key} truncated from ${json.length} to ${maxValueChars} characters`);
      }
    }
  }
}

function boundedJson(value: unknown, notes: string[], what: string): string | null {
  if (value === undefined) return null;
  const json = JSON.stringify(value);
  if (json.length <= maxValueChars) return json;
  notes.push(`${what} truncated from ${json.length} to ${maxValueChars} characters`);
  return JSON.stringify(json.slice(0, maxValueChars));
}
