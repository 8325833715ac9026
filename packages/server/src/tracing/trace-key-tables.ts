import type { StorageDialect } from '../storage/storage-dialect.js';

/**
 * Where aggregate readers find spans, usage and metadata, and the column naming a row's trace in
 * them and in trace_info. On SQLite those rows are keyed by an integer trace key (migration 015)
 * and `spans`, `trace_usage` and `trace_request_metadata` are views joining trace_info back in for
 * the request id; a lookup by request id is cheap through them, but an aggregate over many rows
 * would pay that join once per row. Aggregates read the tables and compare trace keys instead.
 * PostgreSQL's tables are the ones the views imitate, keyed by request id.
 */
export interface TraceKeyTables {
  spans: string;
  usage: string;
  metadata: string;
  /** The column naming a trace in trace_info, usage and metadata rows. */
  traceColumn: string;
  /** The column naming a span's trace. */
  spanTraceColumn: string;
}

const sqliteTables: TraceKeyTables = {
  spans: 'span_rows',
  usage: 'trace_usage_rows',
  metadata: 'trace_metadata_rows',
  traceColumn: 'trace_key',
  spanTraceColumn: 'trace_key',
};

const postgresTables: TraceKeyTables = {
  spans: 'spans',
  usage: 'trace_usage',
  metadata: 'trace_request_metadata',
  traceColumn: 'request_id',
  spanTraceColumn: 'trace_id',
};

export function traceKeyTables(dialect: StorageDialect): TraceKeyTables {
  return dialect === 'sqlite' ? sqliteTables : postgresTables;
}
