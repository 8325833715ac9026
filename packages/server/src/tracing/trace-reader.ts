import { sql } from 'kysely';
import { invalidParameter } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { decodeTokenObject, encodeKeysetToken } from './page-token.js';
import { traceKeyTables } from './trace-key-tables.js';
import type { ModelUsage, SessionSummary, StoredSpan } from './trace-record.js';

interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  otel_trace_id: string;
  name: string;
  span_type: string;
  kind: number;
  start_time_ns: string;
  end_time_ns: string | null;
  status: string;
  status_message: string | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost: number | null;
  attributes: string;
  events: string | null;
  links: string | null;
  inputs: string | null;
  outputs: string | null;
  truncated: string | null;
}

// Times are read as text (ns exceed 2^53). Queries name the table's columns as `s.…`: a bare
// `start_time_ns` in ORDER BY would mean this text alias, sorting as text without the index.
const spanSelect = sql`s.trace_id, s.span_id, s.parent_span_id, s.otel_trace_id, s.name,
  s.span_type, s.kind, cast(s.start_time_ns as text) as start_time_ns,
  cast(s.end_time_ns as text) as end_time_ns, s.status, s.status_message, s.model, s.input_tokens,
  s.output_tokens, s.total_tokens, s.cost, s.attributes, s.events, s.links, s.inputs, s.outputs,
  s.truncated`;

/** One page of a trace's spans in start order, and the token of the next page. */
export interface SpanPage {
  spans: StoredSpan[];
  nextPageToken?: string;
}

/** Reads spans, usage roll-ups and sessions; never loads a large trace whole unless asked to. */
export class TraceReader {
  constructor(private readonly storage: Storage) {}

  /** Spans of a trace ordered by (start time, span id), `maxResults` at a time, keyset-paged. */
  async spanPage(requestId: string, maxResults: number, pageToken?: string): Promise<SpanPage> {
    let after = sql``;
    if (pageToken) {
      const position = decodeTokenObject(pageToken);
      const start = position.start;
      const spanId = position.span;
      if (typeof start !== 'string' || !/^\d{1,20}$/.test(start) || typeof spanId !== 'string') {
        throw invalidParameter('Invalid page token, could not base64-decode');
      }
      // A row-value comparison seeks the paging index straight to the next page on both backends.
      after =
        this.storage.dialect === 'postgres'
          ? sql`and (s.start_time_ns, s.span_id) > (${start}::int8, ${spanId})`
          : sql`and (s.start_time_ns, s.span_id) > (${BigInt(start)}, ${spanId})`;
    }
    const rows = await sql<SpanRow>`select ${spanSelect} from spans s
      where s.trace_id = ${requestId} ${after}
      order by s.start_time_ns, s.span_id limit ${maxResults + 1}`.execute(this.storage.db);
    const page = rows.rows.slice(0, maxResults).map(toStoredSpan);
    const last = page.at(-1);
    return {
      spans: page,
      nextPageToken:
        rows.rows.length > maxResults && last
          ? encodeKeysetToken({ start: last.startTimeNs, span: last.spanId })
          : undefined,
    };
  }

  /** Every span of a trace (MLflow's get-trace returns the whole trace). */
  async allSpans(requestId: string): Promise<StoredSpan[]> {
    const rows = await sql<SpanRow>`select ${spanSelect} from spans s
      where s.trace_id = ${requestId} order by s.start_time_ns, s.span_id`.execute(this.storage.db);
    return rows.rows.map(toStoredSpan);
  }

  /** Token usage and cost of a trace by model. */
  async usageByModel(requestId: string): Promise<ModelUsage[]> {
    const rows = await this.storage.db
      .selectFrom('trace_usage')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('model')
      .execute();
    return rows
      .filter((row) => Number(row.span_count) > 0)
      .map((row) => ({
        model: row.model,
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        totalTokens: Number(row.total_tokens),
        cost: Number(row.cost),
        spanCount: Number(row.span_count),
      }));
  }

  /** Sessions of these experiments, most recently active first, offset-paged. */
  async sessions(
    experimentIds: readonly number[],
    maxResults: number,
    offset: number,
  ): Promise<SessionSummary[]> {
    if (experimentIds.length === 0) return [];
    // By trace key on SQLite: an aggregate over the metadata view would join each row twice.
    const { metadata, traceColumn } = traceKeyTables(this.storage.dialect);
    const trace = sql.ref(traceColumn);
    const rows = await sql<{
      session_id: string;
      trace_count: number;
      total_tokens: number;
      cost: number;
      first_ms: number;
      last_ms: number;
    }>`select m.value as session_id, count(*) as trace_count, sum(t.total_tokens) as total_tokens,
        sum(t.cost) as cost, min(t.timestamp_ms) as first_ms,
        max(t.timestamp_ms + coalesce(t.execution_time_ms, 0)) as last_ms
      from ${sql.table(metadata)} m join trace_info t on t.${trace} = m.${trace}
      where m.key = 'mlflow.trace.session' and t.experiment_id in (${sql.join([...experimentIds])})
      group by m.value
      order by last_ms desc, session_id
      limit ${maxResults} offset ${offset}`.execute(this.storage.db);
    return rows.rows.map((row) => ({
      sessionId: row.session_id,
      traceCount: Number(row.trace_count),
      totalTokens: Number(row.total_tokens),
      cost: Number(row.cost),
      firstTimestampMs: Number(row.first_ms),
      lastTimestampMs: Number(row.last_ms),
    }));
  }
}

function toStoredSpan(row: SpanRow): StoredSpan {
  return {
    requestId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    otelTraceId: row.otel_trace_id,
    name: row.name,
    spanType: row.span_type,
    kind: Number(row.kind),
    startTimeNs: row.start_time_ns,
    endTimeNs: row.end_time_ns,
    status: row.status,
    statusMessage: row.status_message,
    model: row.model,
    inputTokens: row.input_tokens === null ? null : Number(row.input_tokens),
    outputTokens: row.output_tokens === null ? null : Number(row.output_tokens),
    totalTokens: row.total_tokens === null ? null : Number(row.total_tokens),
    cost: row.cost === null ? null : Number(row.cost),
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    events: row.events ? JSON.parse(row.events) : [],
    links: row.links ? JSON.parse(row.links) : [],
    inputs: row.inputs === null ? undefined : JSON.parse(row.inputs),
    outputs: row.outputs === null ? undefined : JSON.parse(row.outputs),
    normalizations: row.truncated ? JSON.parse(row.truncated) : [],
  };
}
