import { type LinkedPrompt, linkedPromptsTag, mergeLinkedPrompts } from '@cairn/spec';
import type { SpanRecord } from './span-record.js';

/** What one batch of spans does to one trace. */
export interface TraceSeed {
  requestId: string;
  /** Earliest span start in the batch, in milliseconds: the trace's time until its root arrives. */
  timestampMs: number;
  root: SpanRecord | null;
  session: string | null;
  user: string | null;
  /** Trace tags carried by the batch's spans (later spans win), or null. */
  tags: Record<string, string> | null;
  /**
   * Prompt versions the batch's spans link (`mlflow.linkedPrompts`), in arrival order, or null.
   * They are merged into the stored tag, never replace it.
   */
  linkedPrompts: LinkedPrompt[] | null;
  /** Trace metadata carried by the batch's spans (the first value of a key wins), or null. */
  metadata: Record<string, string> | null;
  /** The trace's display name from the `mlflow.traceName` tag, or null. */
  traceName: string | null;
}

/** Trace tag holding a trace's display name. */
export const traceNameTag = 'mlflow.traceName';

/** A batch of spans grouped by trace, duplicates within the batch removed (the last one wins). */
export interface SpanBatch {
  traces: TraceSeed[];
  spans: SpanRecord[];
}

/** The token and cost columns of a stored span, as needed to undo it when it is replaced. */
export interface StoredUsage {
  requestId: string;
  spanId: string;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  cost: number | null;
}

/** Additions to one trace's roll-up columns (or, with `model`, to one trace_usage row). */
export interface UsageDelta {
  requestId: string;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
  spanCount: number;
}

/** Groups spans by trace; traces come out sorted by id so concurrent writers lock in one order. */
export function planBatch(records: readonly SpanRecord[]): SpanBatch {
  const unique = new Map<string, SpanRecord>();
  for (const record of records) unique.set(`${record.requestId}/${record.spanId}`, record);
  const traces = new Map<string, TraceSeed>();
  for (const span of unique.values()) {
    const startMs = Number(span.startNs / 1_000_000n);
    let seed = traces.get(span.requestId);
    if (!seed) {
      seed = {
        requestId: span.requestId,
        timestampMs: startMs,
        root: null,
        session: null,
        user: null,
        tags: null,
        linkedPrompts: null,
        metadata: null,
        traceName: null,
      };
      traces.set(span.requestId, seed);
    }
    if (startMs < seed.timestampMs) seed.timestampMs = startMs;
    if (span.parentSpanId === null) seed.root = span;
    seed.session ??= span.session;
    seed.user ??= span.user;
    if (span.traceTags) seed.tags = { ...seed.tags, ...span.traceTags };
    if (span.linkedPrompts)
      seed.linkedPrompts = [...(seed.linkedPrompts ?? []), ...span.linkedPrompts];
    if (span.traceMetadata) seed.metadata = { ...span.traceMetadata, ...seed.metadata };
  }
  for (const seed of traces.values()) seed.traceName = seed.tags?.[traceNameTag] ?? null;
  return {
    traces: [...traces.values()].sort((a, b) => (a.requestId < b.requestId ? -1 : 1)),
    spans: [...unique.values()],
  };
}

/**
 * The traces whose `mlflow.linkedPrompts` tag the batch adds to: the writer reads their stored
 * tag (inside its transaction, under its per-trace locks) and passes it to `tagRows`.
 */
export function tracesLinkingPrompts(batch: SpanBatch): string[] {
  const ids: string[] = [];
  for (const seed of batch.traces) if (seed.linkedPrompts) ids.push(seed.requestId);
  return ids;
}

/** The (trace, key, value) rows of the batch's trace metadata, user and session included. */
export function metadataRows(batch: SpanBatch): [string, string, string][] {
  const rows: [string, string, string][] = [];
  for (const seed of batch.traces) {
    if (seed.session) rows.push([seed.requestId, 'mlflow.trace.session', seed.session]);
    if (seed.user) rows.push([seed.requestId, 'mlflow.trace.user', seed.user]);
    if (!seed.metadata) continue;
    for (const [key, value] of Object.entries(seed.metadata)) {
      if (seed.session && key === 'mlflow.trace.session') continue;
      if (seed.user && key === 'mlflow.trace.user') continue;
      rows.push([seed.requestId, key, value]);
    }
  }
  return rows;
}

/**
 * The (trace, key, value) rows of the batch's trace tags. Linked prompts are merged into
 * `storedLinkedPrompts` (each trace's stored `mlflow.linkedPrompts` value, read for the traces
 * of `tracesLinkingPrompts`): stored entries first, each version once; no row when unchanged.
 */
export function tagRows(
  batch: SpanBatch,
  storedLinkedPrompts: ReadonlyMap<string, string>,
): [string, string, string][] {
  const rows: [string, string, string][] = [];
  for (const seed of batch.traces) {
    if (seed.tags) {
      for (const [key, value] of Object.entries(seed.tags)) rows.push([seed.requestId, key, value]);
    }
    if (seed.linkedPrompts) {
      const stored = storedLinkedPrompts.get(seed.requestId);
      const merged = mergeLinkedPrompts(stored, seed.linkedPrompts);
      if (merged !== stored) rows.push([seed.requestId, linkedPromptsTag, merged]);
    }
  }
  return rows;
}

/**
 * Roll-up additions per trace and per (trace, model): each new span adds its usage; a replaced
 * span adds the difference to what it replaced, so re-sent spans never count twice.
 */
export function usageDeltas(
  inserted: readonly SpanRecord[],
  replaced: readonly { next: SpanRecord; previous: StoredUsage }[],
): { traces: UsageDelta[]; models: UsageDelta[] } {
  const traces = new Map<string, UsageDelta>();
  const models = new Map<string, UsageDelta>();
  const add = (usage: StoredUsage | SpanRecord, sign: 1 | -1, counted: boolean) => {
    for (const [map, model] of [
      [traces, null],
      [models, usage.model],
    ] as const) {
      if (map === models && model === null) continue;
      const key = `${usage.requestId}\u0000${model ?? ''}`;
      let delta = map.get(key);
      if (!delta) {
        delta = {
          requestId: usage.requestId,
          model,
          inputTokens: 0,
          outputTokens: 0,
          totalTokens: 0,
          cost: 0,
          spanCount: 0,
        };
        map.set(key, delta);
      }
      delta.inputTokens += sign * (usage.inputTokens ?? 0);
      delta.outputTokens += sign * (usage.outputTokens ?? 0);
      delta.totalTokens += sign * (usage.totalTokens ?? 0);
      delta.cost += sign * (usage.cost ?? 0);
      if (counted) delta.spanCount += sign;
    }
  };
  for (const span of inserted) add(span, 1, true);
  for (const { next, previous } of replaced) {
    add(previous, -1, previous.model !== next.model);
    add(next, 1, previous.model !== next.model);
  }
  const changed = (delta: UsageDelta) =>
    delta.inputTokens !== 0 ||
    delta.outputTokens !== 0 ||
    delta.totalTokens !== 0 ||
    delta.cost !== 0 ||
    delta.spanCount !== 0;
  return {
    traces: [...traces.values()].filter(changed),
    models: [...models.values()].filter((delta) => changed(delta) || delta.spanCount !== 0),
  };
}
