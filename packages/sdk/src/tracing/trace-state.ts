import { linkedPromptsTag, mergeLinkedPrompts, parseLinkedPrompts } from '@cairn/spec';
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
        // Prompt links accumulate: a trace that used two prompts is found by either.
        const links = key === linkedPromptsTag ? parseLinkedPrompts(String(value)) : undefined;
        this.tags[key] = links ? mergeLinkedPrompts(this.tags[key], links) : String(value);
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
