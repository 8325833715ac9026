import type { SpanBatch, UsageDelta } from './span-batch.js';
import { previewOf } from './span-record.js';
import { scopeColumnKeys } from './trace-scope-columns.js';

/** What one batch writes into one trace_info row: insert values, or additions when it exists. */
export interface TraceRow {
  requestId: string;
  experimentId: number;
  timestampMs: number;
  executionTimeMs: number | null;
  status: string;
  name: string | null;
  requestPreview: string | null;
  responsePreview: string | null;
  rootSpanId: string | null;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cost: number;
  spanCount: number;
  /** The batch's user, session and gateway route for the trace (see trace-scope-columns.ts). */
  userId: string | null;
  sessionId: string | null;
  route: string | null;
}

/** The trace_info columns of `TraceRow`, in its field order. */
export const traceRowColumns = `request_id, experiment_id, timestamp_ms, execution_time_ms, status,
  name, request_preview, response_preview, root_span_id, input_tokens, output_tokens, total_tokens,
  cost, span_count, user_id, session_id, route`;

/**
 * How a batch merges into a trace that exists: roll-ups add up; a root span fills in the name and
 * previews where unset and, while the trace is still IN_PROGRESS (no client has closed it with its
 * own TraceInfo), its status, start and duration. SET expressions read the old row.
 * The metadata copies (user, session, route) keep a value the trace has, since span metadata
 * never replaces a stored entry (the first wins) and a null column means there is none; so the
 * insert itself keeps them equal to the metadata rows, with no UPDATE re-reading those.
 */
export const traceRowUpsert = `on conflict (request_id) do update set
  input_tokens = trace_info.input_tokens + excluded.input_tokens,
  output_tokens = trace_info.output_tokens + excluded.output_tokens,
  total_tokens = trace_info.total_tokens + excluded.total_tokens,
  cost = trace_info.cost + excluded.cost,
  span_count = trace_info.span_count + excluded.span_count,
  root_span_id = coalesce(excluded.root_span_id, trace_info.root_span_id),
  name = coalesce(trace_info.name, excluded.name),
  request_preview = coalesce(trace_info.request_preview, excluded.request_preview),
  response_preview = coalesce(trace_info.response_preview, excluded.response_preview),
  timestamp_ms = case when trace_info.status = 'IN_PROGRESS' and excluded.root_span_id is not null
    then excluded.timestamp_ms else trace_info.timestamp_ms end,
  execution_time_ms = case when trace_info.status = 'IN_PROGRESS' and excluded.root_span_id is not null
    then excluded.execution_time_ms else trace_info.execution_time_ms end,
  status = case when trace_info.status = 'IN_PROGRESS' and excluded.root_span_id is not null
    then excluded.status else trace_info.status end,
  user_id = coalesce(trace_info.user_id, excluded.user_id),
  session_id = coalesce(trace_info.session_id, excluded.session_id),
  route = coalesce(trace_info.route, excluded.route)`;

/**
 * The trace rows of a batch. Without its root a trace is IN_PROGRESS from its earliest span;
 * with it, the root's start, duration and status (ERROR or OK once it has ended).
 */
export function traceRows(
  batch: SpanBatch,
  experimentId: number,
  deltas: readonly UsageDelta[],
): TraceRow[] {
  const byTrace = new Map(deltas.map((delta) => [delta.requestId, delta]));
  return batch.traces.map((seed) => {
    const root = seed.root;
    const delta = byTrace.get(seed.requestId);
    let timestampMs = seed.timestampMs;
    let executionTimeMs: number | null = null;
    let status = 'IN_PROGRESS';
    if (root) {
      timestampMs = Number(root.startNs / 1_000_000n);
      if (root.endNs !== null) {
        executionTimeMs = Number((root.endNs - root.startNs) / 1_000_000n);
        status = root.status === 'ERROR' ? 'ERROR' : 'OK';
      }
    }
    return {
      requestId: seed.requestId,
      experimentId,
      timestampMs,
      executionTimeMs,
      status,
      name: seed.traceName ?? root?.name ?? null,
      requestPreview: root ? previewOf(root.inputs) : null,
      responsePreview: root ? previewOf(root.outputs) : null,
      rootSpanId: root?.spanId ?? null,
      inputTokens: delta?.inputTokens ?? 0,
      outputTokens: delta?.outputTokens ?? 0,
      totalTokens: delta?.totalTokens ?? 0,
      cost: delta?.cost ?? 0,
      spanCount: delta?.spanCount ?? 0,
      // As metadataRows orders them: the span's own user and session before metadata entries.
      userId: seed.user ?? seed.metadata?.[scopeColumnKeys.user_id] ?? null,
      sessionId: seed.session ?? seed.metadata?.[scopeColumnKeys.session_id] ?? null,
      route: seed.metadata?.[scopeColumnKeys.route] ?? null,
    };
  });
}
