import type { LinkedPrompt, PriceCatalogue } from '@cairn/spec';
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
  /** The same times as integers, for the database and comparisons. */
  startNs: bigint;
  endNs: bigint | null;
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
  /** Trace tags and metadata the span carries for its trace (see `spanSemantics`). */
  traceTags: Record<string, string> | null;
  traceMetadata: Record<string, string> | null;
  /** Prompt versions the span links for its trace (see `spanSemantics`), or null. */
  linkedPrompts: LinkedPrompt[] | null;
}

const statusNames = ['UNSET', 'OK', 'ERROR'] as const;
const inputsKey = 'mlflow.spanInputs';
const outputsKey = 'mlflow.spanOutputs';

/**
 * Turns a decoded span into its stored form. `prices` overrides the default price catalogue.
 * The span's attribute object is decoded in place: a decoded span is mapped once.
 */
export function toSpanRecord(span: OtlpSpan, prices?: PriceCatalogue): SpanRecord {
  const notes: string[] = [];
  const attributes = span.attributes;
  // MLflow's inputs and outputs arrive as JSON text: kept as received when they parse.
  const inputsText = attributes[inputsKey];
  const outputsText = attributes[outputsKey];
  decodeAttributes(attributes);
  const semantics = spanSemantics(attributes, prices);
  const inputs = storedJson(semantics.inputs, attributes[inputsKey], inputsText, notes, 'inputs');
  const outputs = storedJson(
    semantics.outputs,
    attributes[outputsKey],
    outputsText,
    notes,
    'outputs',
  );
  // Inputs and outputs live in their own columns; MLflow's keys would only duplicate them.
  if (inputsText !== undefined) delete attributes[inputsKey];
  if (outputsText !== undefined) delete attributes[outputsKey];
  boundAttributes(attributes, notes, 'attribute');
  const startNs = BigInt(span.startTimeNs);
  let endTimeNs = span.endTimeNs;
  let endNs = endTimeNs === null ? null : BigInt(endTimeNs);
  if (endNs !== null && endNs < startNs) {
    notes.push(`end_time ${endTimeNs} was before start_time; set to start_time`);
    endTimeNs = span.startTimeNs;
    endNs = startNs;
  }
  let events: string | null = null;
  if (span.events.length > 0) {
    events = JSON.stringify(
      span.events.map((event) => {
        boundAttributes(event.attributes, notes, `event ${event.name} attribute`);
        return {
          name: event.name,
          time_unix_nano: event.timeUnixNano,
          attributes: event.attributes,
        };
      }),
    );
  }
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
    startNs,
    endNs,
    status: statusNames[span.statusCode] ?? 'UNSET',
    statusMessage: span.statusMessage === '' ? null : span.statusMessage,
    model: semantics.model,
    inputTokens: semantics.usage?.inputTokens ?? null,
    outputTokens: semantics.usage?.outputTokens ?? null,
    totalTokens: semantics.usage?.totalTokens ?? null,
    cost: semantics.cost,
    attributes: JSON.stringify(attributes),
    events,
    links: span.links.length > 0 ? JSON.stringify(span.links) : null,
    inputs,
    outputs,
    truncated: notes.length > 0 ? JSON.stringify(notes) : null,
    session: semantics.session,
    user: semantics.user,
    traceTags: semantics.traceTags,
    traceMetadata: semantics.traceMetadata,
    linkedPrompts: semantics.linkedPrompts,
  };
}

/**
 * The stored JSON of inputs or outputs: the text as received when the value came from MLflow's
 * attribute and that text parsed (no re-serialisation), else the value encoded and bounded.
 */
function storedJson(
  value: unknown,
  decoded: unknown,
  received: unknown,
  notes: string[],
  what: string,
): string | null {
  if (value === undefined) return null;
  if (
    typeof received === 'string' &&
    decoded === value &&
    decoded !== received &&
    received.length <= maxValueChars
  ) {
    return received;
  }
  return boundedJson(value, notes, what);
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
function decodeAttributes(attributes: Record<string, unknown>): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value === 'string' && key.startsWith('mlflow.')) attributes[key] = parseJson(value);
  }
  for (const prefix of ['input', 'output']) {
    const value = attributes[`${prefix}.value`];
    if (typeof value === 'string' && attributes[`${prefix}.mime_type`] === 'application/json') {
      attributes[`${prefix}.value`] = parseJson(value);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function boundAttributes(attributes: Record<string, unknown>, notes: string[], what: string): void {
  for (const key in attributes) {
    const value = attributes[key];
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
