import { encodeValue } from './encode-value.js';
import type { AttributeValue, LiveSpan } from './live-span.js';
import { TraceAttribute, traceNameKey } from './trace-attributes.js';

/** What `updateCurrentTrace` may change about the trace in progress. */
export interface TraceUpdate {
  /** End user the trace served (metadata `mlflow.trace.user`). */
  user?: string;
  /** Conversation the trace belongs to (metadata `mlflow.trace.session`). */
  session?: string;
  /** Trace tags, merged into earlier ones (mutable after the fact on the server). */
  tags?: Record<string, string>;
  /** Trace metadata, merged into earlier ones (fixed once the trace is logged). */
  metadata?: Record<string, string>;
  /** Display name of the trace (tag `mlflow.traceName`); defaults to the root span's name. */
  name?: string;
}

/** The trace-wide state shared by all spans of one trace in this process. */
export class TraceState {
  /** The local root span: trace-level data travels on it. */
  root: LiveSpan | undefined;
  user: string | undefined;
  session: string | undefined;
  readonly tags: Record<string, string> = {};
  readonly metadata: Record<string, string>;

  constructor(
    /** OpenTelemetry trace id, 32 hex digits. */
    readonly traceId: string,
    readonly sampled: boolean,
    /** Experiment the trace goes to; undefined means the exporter's default. */
    readonly experimentId: string | undefined,
    metadata: Record<string, string> = {},
  ) {
    this.metadata = metadata;
  }

  /** Merges an update into the trace. */
  update(update: TraceUpdate): void {
    if (update.user !== undefined) this.user = String(update.user);
    if (update.session !== undefined) this.session = String(update.session);
    if (update.tags) {
      for (const [key, value] of Object.entries(update.tags)) {
        this.tags[key] =
          key === linkedPromptsKey
            ? mergeLinkedPrompts(this.tags[key], String(value))
            : String(value);
      }
    }
    if (update.metadata) {
      for (const [key, value] of Object.entries(update.metadata))
        this.metadata[key] = String(value);
    }
    if (update.name !== undefined) this.tags[traceNameKey] = String(update.name);
  }

  /** Writes the trace-level attributes (user, session, tags, metadata) into a span's attributes. */
  writeTraceAttributes(attributes: Map<string, AttributeValue>): void {
    if (this.user !== undefined) {
      attributes.set(TraceAttribute.traceUser, encodeValue(this.user));
      attributes.set(TraceAttribute.otelUserId, this.user);
    }
    if (this.session !== undefined) {
      attributes.set(TraceAttribute.traceSession, encodeValue(this.session));
      attributes.set(TraceAttribute.otelSessionId, this.session);
    }
    if (Object.keys(this.tags).length > 0) {
      attributes.set(TraceAttribute.traceTags, encodeValue(this.tags));
    }
    if (Object.keys(this.metadata).length > 0) {
      attributes.set(TraceAttribute.traceMetadata, encodeValue(this.metadata));
    }
  }
}

/** The tag listing the prompt versions a trace used (MLflow's name and JSON shape). */
const linkedPromptsKey = 'mlflow.linkedPrompts';

/**
 * Prompt versions a trace used accumulate: a trace that loads two prompts links both, so
 * `prompt = "name/version"` finds it by either. A value that is not such a list replaces.
 */
function mergeLinkedPrompts(existing: string | undefined, added: string): string {
  const earlier = existing === undefined ? [] : promptList(existing);
  const later = promptList(added);
  if (!earlier || !later) return added;
  const seen = new Set<string>();
  const merged: { name: string; version: string }[] = [];
  for (const prompt of [...earlier, ...later]) {
    const key = `${prompt.name}\u0000${prompt.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(prompt);
  }
  return JSON.stringify(merged);
}

function promptList(text: string): { name: string; version: string }[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return undefined;
    const prompts = value.filter(
      (item): item is { name: string; version: string } =>
        typeof item === 'object' && item !== null && typeof item.name === 'string',
    );
    return prompts.length === value.length ? prompts : undefined;
  } catch {
    return undefined;
  }
}
