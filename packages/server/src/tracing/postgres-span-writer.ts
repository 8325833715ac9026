import { linkedPromptsTag } from '@cairn/spec';
import { sql, type Transaction } from 'kysely';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import { float8Array, int4Array, int8Array, textArray } from './postgres-arrays.js';
import {
  metadataRows,
  type SpanBatch,
  type StoredUsage,
  tagRows,
  tracesLinkingPrompts,
  usageDeltas,
} from './span-batch.js';
import type { SpanRecord } from './span-record.js';
import type { EncodedBatch, SpanWriter } from './span-writer.js';
import { traceRowColumns, traceRows, traceRowUpsert } from './trace-row.js';

const text = <T>(rows: readonly T[], pick: (row: T) => string | null) => textArray(rows.map(pick));
const int8 = <T>(rows: readonly T[], pick: (row: T) => number | bigint | null) =>
  int8Array(rows.map(pick));
const float8 = <T>(rows: readonly T[], pick: (row: T) => number | null) =>
  float8Array(rows.map(pick));

/** The spans as 22 binary arrays, one per column, in `spans` column order. */
function spanArrays(spans: readonly SpanRecord[]): Buffer[] {
  return [
    text(spans, (s) => s.requestId),
    text(spans, (s) => s.spanId),
    text(spans, (s) => s.parentSpanId),
    text(spans, (s) => s.otelTraceId),
    text(spans, (s) => s.name),
    text(spans, (s) => s.spanType),
    int4Array(spans.map((s) => s.kind)),
    int8(spans, (s) => s.startNs),
    int8(spans, (s) => s.endNs),
    text(spans, (s) => s.status),
    text(spans, (s) => s.statusMessage),
    text(spans, (s) => s.model),
    int8(spans, (s) => s.inputTokens),
    int8(spans, (s) => s.outputTokens),
    int8(spans, (s) => s.totalTokens),
    float8(spans, (s) => s.cost),
    text(spans, (s) => s.attributes),
    text(spans, (s) => s.events),
    text(spans, (s) => s.links),
    text(spans, (s) => s.inputs),
    text(spans, (s) => s.outputs),
    text(spans, (s) => s.truncated),
  ];
}

/**
 * The span hot path on PostgreSQL. Each batch is its own transaction on its own pooled
 * connection, not a turn in the storage's single write queue: concurrent batches then run in
 * parallel (PostgreSQL uses every core, and one batch's commit overlaps the next one's inserts;
 * its WAL flush groups concurrent commits by itself). Batches that share traces are kept apart by
 * per-trace advisory locks, taken first and in one global order, so they wait for each other
 * instead of deadlocking on trace and usage rows. Then, in two or three round trips: one
 * `insert … select from unnest(arrays)` (binary arrays) for the spans that also reports which of
 * them were already stored; one statement whose data-modifying CTEs upsert the traces,
 * per-model usage, metadata and tags; and, only when a span was sent again, the per-span
 * replacement of what it had stored.
 */
export function postgresSpanWriter(storage: Storage): SpanWriter {
  return {
    encode(batch: SpanBatch): EncodedBatch {
      return { batch, rows: spanArrays(batch.spans) };
    },
    write(experimentId, encoded) {
      return storage.db.transaction().execute((trx) => writeBatch(trx, experimentId, encoded));
    },
  };
}

/**
 * Takes the transaction-scoped advisory locks of these traces, ordered by the lock key itself so
 * any two writers take their common locks in the same order. Every read-merge-write of a trace's
 * rows (span batches, prompt links) holds them.
 */
export async function lockTraces(
  trx: Transaction<DatabaseSchema>,
  requestIds: readonly string[],
): Promise<void> {
  await sql`select pg_advisory_xact_lock(key) from (
      select hashtextextended(id, 0) as key from unnest(${textArray(requestIds)}::text[]) as id
      order by key) as keys`.execute(trx);
}

async function writeBatch(
  trx: Transaction<DatabaseSchema>,
  experimentId: number,
  { batch, rows }: EncodedBatch,
): Promise<void> {
  await lockTraces(
    trx,
    batch.traces.map((seed) => seed.requestId),
  );
  const a = rows as Buffer[];
  const spans = batch.spans;
  const conflicts = await sql<{ trace_id: string; span_id: string }>`with input as (
          select * from unnest(${a[0]}::text[], ${a[1]}::text[], ${a[2]}::text[], ${a[3]}::text[],
            ${a[4]}::text[], ${a[5]}::text[], ${a[6]}::int4[], ${a[7]}::int8[], ${a[8]}::int8[],
            ${a[9]}::text[], ${a[10]}::text[], ${a[11]}::text[], ${a[12]}::int8[],
            ${a[13]}::int8[], ${a[14]}::int8[], ${a[15]}::float8[], ${a[16]}::text[],
            ${a[17]}::text[], ${a[18]}::text[], ${a[19]}::text[], ${a[20]}::text[],
            ${a[21]}::text[])
            as u(trace_id, span_id, parent_span_id, otel_trace_id, name, span_type, kind,
              start_time_ns, end_time_ns, status, status_message, model, input_tokens,
              output_tokens, total_tokens, cost, attributes, events, links, inputs, outputs,
              truncated)
        ),
        inserted as (
          insert into spans (trace_id, span_id, parent_span_id, otel_trace_id, name, span_type,
            kind, start_time_ns, end_time_ns, status, status_message, model, input_tokens,
            output_tokens, total_tokens, cost, attributes, events, links, inputs, outputs,
            truncated)
          select * from input
          on conflict (trace_id, span_id) do nothing
          returning trace_id, span_id
        )
        select i.trace_id, i.span_id from input i
        where not exists (select 1 from inserted n
          where n.trace_id = i.trace_id and n.span_id = i.span_id)`.execute(trx);

  const replaced: { next: SpanRecord; previous: StoredUsage }[] = [];
  let fresh: readonly SpanRecord[] = spans;
  if (conflicts.rows.length > 0) {
    const again = new Set(conflicts.rows.map((row) => `${row.trace_id}/${row.span_id}`));
    fresh = spans.filter((span) => !again.has(`${span.requestId}/${span.spanId}`));
    for (const span of spans) {
      if (!again.has(`${span.requestId}/${span.spanId}`)) continue;
      replaced.push({ next: span, previous: await replaceSpan(trx, span) });
    }
  }

  const deltas = usageDeltas(fresh, replaced);
  const traces = traceRows(batch, experimentId, deltas.traces);
  const models = deltas.models;
  const metadata = metadataRows(batch);
  const tags = tagRows(batch, await storedLinkedPrompts(trx, tracesLinkingPrompts(batch)));
  await sql`with traces as (
          insert into trace_info (${sql.raw(traceRowColumns)})
          select * from unnest(${text(traces, (t) => t.requestId)}::text[],
            ${int8(traces, (t) => t.experimentId)}::int8[],
            ${int8(traces, (t) => t.timestampMs)}::int8[],
            ${int8(traces, (t) => t.executionTimeMs)}::int8[],
            ${text(traces, (t) => t.status)}::text[], ${text(traces, (t) => t.name)}::text[],
            ${text(traces, (t) => t.requestPreview)}::text[],
            ${text(traces, (t) => t.responsePreview)}::text[],
            ${text(traces, (t) => t.rootSpanId)}::text[],
            ${int8(traces, (t) => t.inputTokens)}::int8[],
            ${int8(traces, (t) => t.outputTokens)}::int8[],
            ${int8(traces, (t) => t.totalTokens)}::int8[],
            ${float8(traces, (t) => t.cost)}::float8[],
            ${int8(traces, (t) => t.spanCount)}::int8[], ${text(traces, (t) => t.userId)}::text[],
            ${text(traces, (t) => t.sessionId)}::text[], ${text(traces, (t) => t.route)}::text[])
          ${sql.raw(traceRowUpsert)}
        ),
        usage as (
          insert into trace_usage (request_id, model, input_tokens, output_tokens, total_tokens,
            cost, span_count)
          select * from unnest(${text(models, (m) => m.requestId)}::text[],
            ${text(models, (m) => m.model)}::text[], ${int8(models, (m) => m.inputTokens)}::int8[],
            ${int8(models, (m) => m.outputTokens)}::int8[],
            ${int8(models, (m) => m.totalTokens)}::int8[], ${float8(models, (m) => m.cost)}::float8[],
            ${int8(models, (m) => m.spanCount)}::int8[])
          on conflict (request_id, model) do update set
            input_tokens = trace_usage.input_tokens + excluded.input_tokens,
            output_tokens = trace_usage.output_tokens + excluded.output_tokens,
            total_tokens = trace_usage.total_tokens + excluded.total_tokens,
            cost = trace_usage.cost + excluded.cost,
            span_count = trace_usage.span_count + excluded.span_count
        ),
        metadata as (
          insert into trace_request_metadata (request_id, key, value)
          select * from unnest(${text(metadata, (m) => m[0])}::text[],
            ${text(metadata, (m) => m[1])}::text[], ${text(metadata, (m) => m[2])}::text[])
          on conflict (request_id, key) do nothing
        )
        insert into trace_tags (request_id, key, value)
        select * from unnest(${text(tags, (m) => m[0])}::text[], ${text(tags, (m) => m[1])}::text[],
          ${text(tags, (m) => m[2])}::text[])
        on conflict (request_id, key) do update set value = excluded.value`.execute(trx);

  // A trace's name tag overrides the root span's name (a separate statement: one statement
  // cannot change the same row twice).
  const named = batch.traces.filter((seed) => seed.traceName !== null);
  if (named.length > 0) {
    await sql`update trace_info t set name = u.name
          from unnest(${text(named, (seed) => seed.requestId)}::text[],
            ${text(named, (seed) => seed.traceName)}::text[]) as u(request_id, name)
          where t.request_id = u.request_id`.execute(trx);
  }
}

/**
 * The stored `mlflow.linkedPrompts` tags of traces the batch links prompts to (none read when
 * it links none). Read under the batch's per-trace advisory locks, so no other batch merges
 * into them before this one writes.
 */
async function storedLinkedPrompts(
  trx: Transaction<DatabaseSchema>,
  requestIds: readonly string[],
): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  const stored = await sql<{ request_id: string; value: string }>`select request_id, value
    from trace_tags where key = ${linkedPromptsTag}
      and request_id = any(${textArray(requestIds)}::text[])`.execute(trx);
  return new Map(stored.rows.map((row) => [row.request_id, row.value]));
}

/** Replaces a stored span with its re-sent version; returns what it had stored. */
async function replaceSpan(
  trx: Transaction<DatabaseSchema>,
  span: SpanRecord,
): Promise<StoredUsage> {
  const previous = await sql<StoredUsage>`select trace_id as "requestId", span_id as "spanId",
      model, input_tokens as "inputTokens", output_tokens as "outputTokens",
      total_tokens as "totalTokens", cost
    from spans where trace_id = ${span.requestId} and span_id = ${span.spanId}`.execute(trx);
  await sql`update spans set parent_span_id = ${span.parentSpanId},
      otel_trace_id = ${span.otelTraceId}, name = ${span.name}, span_type = ${span.spanType},
      kind = ${span.kind}, start_time_ns = ${span.startTimeNs}::int8,
      end_time_ns = ${span.endTimeNs}::int8, status = ${span.status},
      status_message = ${span.statusMessage}, model = ${span.model},
      input_tokens = ${span.inputTokens}, output_tokens = ${span.outputTokens},
      total_tokens = ${span.totalTokens}, cost = ${span.cost},
      attributes = ${span.attributes}, events = ${span.events}, links = ${span.links},
      inputs = ${span.inputs}, outputs = ${span.outputs}, truncated = ${span.truncated}
    where trace_id = ${span.requestId} and span_id = ${span.spanId}`.execute(trx);
  return previous.rows[0]!;
}
