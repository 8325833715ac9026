import type BetterSqlite3 from 'better-sqlite3';
import { type SpanBatch, type StoredUsage, usageDeltas } from './span-batch.js';
import { previewOf, type SpanRecord } from './span-record.js';
import type { SpanWriter } from './span-writer.js';

const spanColumns = `trace_id, span_id, parent_span_id, otel_trace_id, name, span_type, kind,
  start_time_ns, end_time_ns, status, status_message, model, input_tokens, output_tokens,
  total_tokens, cost, attributes, events, links, inputs, outputs, truncated`;
const columnCount = 22;
const chunkRows = 64;

function spanValues(span: SpanRecord): unknown[] {
  return [
    span.requestId,
    span.spanId,
    span.parentSpanId,
    span.otelTraceId,
    span.name,
    span.spanType,
    span.kind,
    BigInt(span.startTimeNs),
    span.endTimeNs === null ? null : BigInt(span.endTimeNs),
    span.status,
    span.statusMessage,
    span.model,
    span.inputTokens,
    span.outputTokens,
    span.totalTokens,
    span.cost,
    span.attributes,
    span.events,
    span.links,
    span.inputs,
    span.outputs,
    span.truncated,
  ];
}

/**
 * The span hot path on SQLite: cached prepared statements on the raw handle (which shares the
 * transaction Kysely opened), spans inserted 64 rows per statement.
 */
export function sqliteSpanWriter(sqlite: BetterSqlite3.Database): SpanWriter {
  const placeholders = (rows: number) =>
    Array.from({ length: rows }, () => `(${Array(columnCount).fill('?').join(',')})`).join(',');
  const insertSpans = (rows: number) =>
    sqlite.prepare(
      `insert into spans (${spanColumns}) values ${placeholders(rows)}
       on conflict (trace_id, span_id) do nothing returning trace_id, span_id`,
    );
  let statements: ReturnType<typeof prepare> | undefined;
  const prepare = () => ({
    insertChunk: insertSpans(chunkRows),
    insertOne: insertSpans(1),
    insertTrace: sqlite.prepare(
      `insert into trace_info (request_id, experiment_id, timestamp_ms, status)
       values (?, ?, ?, 'IN_PROGRESS') on conflict (request_id) do nothing`,
    ),
    previous: sqlite.prepare(
      `select trace_id as requestId, span_id as spanId, model, input_tokens as inputTokens,
         output_tokens as outputTokens, total_tokens as totalTokens, cost
       from spans where trace_id = ? and span_id = ?`,
    ),
    replace: sqlite.prepare(
      `insert or replace into spans (${spanColumns}) values (${Array(columnCount).fill('?').join(',')})`,
    ),
    addUsage: sqlite.prepare(
      `update trace_info set input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
         total_tokens = total_tokens + ?, cost = cost + ?, span_count = span_count + ?
       where request_id = ?`,
    ),
    addModelUsage: sqlite.prepare(
      `insert into trace_usage (request_id, model, input_tokens, output_tokens, total_tokens, cost, span_count)
       values (?, ?, ?, ?, ?, ?, ?)
       on conflict (request_id, model) do update set
         input_tokens = input_tokens + excluded.input_tokens,
         output_tokens = output_tokens + excluded.output_tokens,
         total_tokens = total_tokens + excluded.total_tokens,
         cost = cost + excluded.cost, span_count = span_count + excluded.span_count`,
    ),
    root: sqlite.prepare(rootUpdateSql),
    metadata: sqlite.prepare(
      `insert into trace_request_metadata (request_id, key, value) values (?, ?, ?)
       on conflict (request_id, key) do nothing`,
    ),
  });

  return {
    async write(_trx, experimentId, batch: SpanBatch) {
      statements ??= prepare();
      const s = statements;
      for (const seed of batch.traces)
        s.insertTrace.run(seed.requestId, experimentId, seed.timestampMs);

      const inserted = new Set<string>();
      const spans = batch.spans;
      let index = 0;
      for (; index + chunkRows <= spans.length; index += chunkRows) {
        const values = spans.slice(index, index + chunkRows).flatMap(spanValues);
        for (const row of s.insertChunk.all(values) as { trace_id: string; span_id: string }[]) {
          inserted.add(`${row.trace_id}/${row.span_id}`);
        }
      }
      for (; index < spans.length; index++) {
        const span = spans[index]!;
        if (s.insertOne.get(spanValues(span))) inserted.add(`${span.requestId}/${span.spanId}`);
      }

      const fresh: SpanRecord[] = [];
      const replaced: { next: SpanRecord; previous: StoredUsage }[] = [];
      for (const span of spans) {
        if (inserted.has(`${span.requestId}/${span.spanId}`)) {
          fresh.push(span);
          continue;
        }
        const previous = s.previous.get(span.requestId, span.spanId) as StoredUsage;
        s.replace.run(spanValues(span));
        replaced.push({ next: span, previous });
      }

      const deltas = usageDeltas(fresh, replaced);
      for (const delta of deltas.traces) {
        s.addUsage.run(
          delta.inputTokens,
          delta.outputTokens,
          delta.totalTokens,
          delta.cost,
          delta.spanCount,
          delta.requestId,
        );
      }
      for (const delta of deltas.models) {
        s.addModelUsage.run(
          delta.requestId,
          delta.model,
          delta.inputTokens,
          delta.outputTokens,
          delta.totalTokens,
          delta.cost,
          delta.spanCount,
        );
      }
      for (const seed of batch.traces) {
        if (seed.root) s.root.run(rootUpdateValues(seed.root));
        if (seed.session) s.metadata.run(seed.requestId, 'mlflow.trace.session', seed.session);
        if (seed.user) s.metadata.run(seed.requestId, 'mlflow.trace.user', seed.user);
      }
    },
  };
}

/**
 * A root span fills in the trace: its name, previews and, while the trace is still IN_PROGRESS
 * (no client has closed it with its own TraceInfo), its status, start and duration.
 * SET expressions read the row's old values, so `status` in the CASEs is the old status.
 */
export const rootUpdateSql = `update trace_info set
  root_span_id = ?,
  name = coalesce(name, ?),
  request_preview = coalesce(request_preview, ?),
  response_preview = coalesce(response_preview, ?),
  timestamp_ms = case when status = 'IN_PROGRESS' then ? else timestamp_ms end,
  execution_time_ms = case when status = 'IN_PROGRESS' then ? else execution_time_ms end,
  status = case when status = 'IN_PROGRESS' then ? else status end
  where request_id = ?`;

/** The parameters of `rootUpdateSql` for a root span. */
export function rootUpdateValues(root: SpanRecord): unknown[] {
  const startNs = BigInt(root.startTimeNs);
  const endNs = root.endTimeNs === null ? null : BigInt(root.endTimeNs);
  return [
    root.spanId,
    root.name,
    previewOf(root.inputs),
    previewOf(root.outputs),
    Number(startNs / 1_000_000n),
    endNs === null ? null : Number((endNs - startNs) / 1_000_000n),
    endNs === null ? 'IN_PROGRESS' : root.status === 'ERROR' ? 'ERROR' : 'OK',
    root.requestId,
  ];
}
