import { sql } from 'kysely';
import { type SpanBatch, type StoredUsage, usageDeltas } from './span-batch.js';
import type { SpanRecord } from './span-record.js';
import type { SpanWriter } from './span-writer.js';
import { rootUpdateValues } from './sqlite-span-writer.js';

const column = <T>(spans: readonly SpanRecord[], pick: (span: SpanRecord) => T): T[] =>
  spans.map(pick);

/** The span hot path on PostgreSQL: one `insert … select from unnest(arrays)` per table. */
export function postgresSpanWriter(): SpanWriter {
  return {
    async write(trx, experimentId, batch: SpanBatch) {
      const traces = batch.traces;
      await sql`insert into trace_info (request_id, experiment_id, timestamp_ms, status)
        select t.request_id, ${experimentId}, t.timestamp_ms, 'IN_PROGRESS'
        from unnest(${traces.map((seed) => seed.requestId)}::text[],
                    ${traces.map((seed) => seed.timestampMs)}::int8[]) as t(request_id, timestamp_ms)
        on conflict (request_id) do nothing`.execute(trx);

      const spans = batch.spans;
      const inserted = await sql<{ trace_id: string; span_id: string }>`insert into spans (
          trace_id, span_id, parent_span_id, otel_trace_id, name, span_type, kind, start_time_ns,
          end_time_ns, status, status_message, model, input_tokens, output_tokens, total_tokens,
          cost, attributes, events, links, inputs, outputs, truncated)
        select * from unnest(
          ${column(spans, (s) => s.requestId)}::text[],
          ${column(spans, (s) => s.spanId)}::text[],
          ${column(spans, (s) => s.parentSpanId)}::text[],
          ${column(spans, (s) => s.otelTraceId)}::text[],
          ${column(spans, (s) => s.name)}::text[],
          ${column(spans, (s) => s.spanType)}::text[],
          ${column(spans, (s) => s.kind)}::int4[],
          ${column(spans, (s) => s.startTimeNs)}::int8[],
          ${column(spans, (s) => s.endTimeNs)}::int8[],
          ${column(spans, (s) => s.status)}::text[],
          ${column(spans, (s) => s.statusMessage)}::text[],
          ${column(spans, (s) => s.model)}::text[],
          ${column(spans, (s) => s.inputTokens)}::int8[],
          ${column(spans, (s) => s.outputTokens)}::int8[],
          ${column(spans, (s) => s.totalTokens)}::int8[],
          ${column(spans, (s) => s.cost)}::float8[],
          ${column(spans, (s) => s.attributes)}::text[],
          ${column(spans, (s) => s.events)}::text[],
          ${column(spans, (s) => s.links)}::text[],
          ${column(spans, (s) => s.inputs)}::text[],
          ${column(spans, (s) => s.outputs)}::text[],
          ${column(spans, (s) => s.truncated)}::text[])
        on conflict (trace_id, span_id) do nothing
        returning trace_id, span_id`.execute(trx);
      const insertedKeys = new Set(inserted.rows.map((row) => `${row.trace_id}/${row.span_id}`));
      const fresh = spans.filter((span) => insertedKeys.has(`${span.requestId}/${span.spanId}`));
      const again = spans.filter((span) => !insertedKeys.has(`${span.requestId}/${span.spanId}`));

      const replaced: { next: SpanRecord; previous: StoredUsage }[] = [];
      for (const span of again) {
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
        replaced.push({ next: span, previous: previous.rows[0]! });
      }

      const deltas = usageDeltas(fresh, replaced);
      if (deltas.traces.length > 0) {
        const d = deltas.traces;
        await sql`update trace_info t set input_tokens = t.input_tokens + d.input_tokens,
            output_tokens = t.output_tokens + d.output_tokens,
            total_tokens = t.total_tokens + d.total_tokens, cost = t.cost + d.cost,
            span_count = t.span_count + d.span_count
          from unnest(${d.map((x) => x.requestId)}::text[], ${d.map((x) => x.inputTokens)}::int8[],
                      ${d.map((x) => x.outputTokens)}::int8[], ${d.map((x) => x.totalTokens)}::int8[],
                      ${d.map((x) => x.cost)}::float8[], ${d.map((x) => x.spanCount)}::int8[])
            as d(request_id, input_tokens, output_tokens, total_tokens, cost, span_count)
          where t.request_id = d.request_id`.execute(trx);
      }
      if (deltas.models.length > 0) {
        const d = deltas.models;
        await sql`insert into trace_usage (request_id, model, input_tokens, output_tokens,
            total_tokens, cost, span_count)
          select * from unnest(${d.map((x) => x.requestId)}::text[], ${d.map((x) => x.model)}::text[],
                      ${d.map((x) => x.inputTokens)}::int8[], ${d.map((x) => x.outputTokens)}::int8[],
                      ${d.map((x) => x.totalTokens)}::int8[], ${d.map((x) => x.cost)}::float8[],
                      ${d.map((x) => x.spanCount)}::int8[])
          on conflict (request_id, model) do update set
            input_tokens = trace_usage.input_tokens + excluded.input_tokens,
            output_tokens = trace_usage.output_tokens + excluded.output_tokens,
            total_tokens = trace_usage.total_tokens + excluded.total_tokens,
            cost = trace_usage.cost + excluded.cost,
            span_count = trace_usage.span_count + excluded.span_count`.execute(trx);
      }

      for (const seed of traces) {
        if (!seed.root) continue;
        const [spanId, name, request, response, timestampMs, executionMs, status, requestId] =
          rootUpdateValues(seed.root);
        await sql`update trace_info set root_span_id = ${spanId}, name = coalesce(name, ${name}),
            request_preview = coalesce(request_preview, ${request}),
            response_preview = coalesce(response_preview, ${response}),
            timestamp_ms = case when status = 'IN_PROGRESS' then ${timestampMs}::int8 else timestamp_ms end,
            execution_time_ms = case when status = 'IN_PROGRESS' then ${executionMs}::int8 else execution_time_ms end,
            status = case when status = 'IN_PROGRESS' then ${status} else status end
          where request_id = ${requestId}`.execute(trx);
      }
      const metadata = traces.flatMap((seed) => [
        ...(seed.session ? [[seed.requestId, 'mlflow.trace.session', seed.session]] : []),
        ...(seed.user ? [[seed.requestId, 'mlflow.trace.user', seed.user]] : []),
      ]);
      if (metadata.length > 0) {
        await sql`insert into trace_request_metadata (request_id, key, value)
          select * from unnest(${metadata.map((m) => m[0])}::text[], ${metadata.map((m) => m[1])}::text[],
                               ${metadata.map((m) => m[2])}::text[])
          on conflict (request_id, key) do nothing`.execute(trx);
      }
    },
  };
}
