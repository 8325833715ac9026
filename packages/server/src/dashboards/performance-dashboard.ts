import type { PercentilePoint, PerformanceDashboard } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { Storage } from '../storage/index.js';
import type { DashboardRequest } from './dashboard-request.js';
import { exceptionTypeSql, ttftSourceSql } from './json-sql.js';
import {
  emptyPercentiles,
  type PercentileRows,
  percentilesOf,
  percentilesOfLists,
} from './percentile-query.js';
import { bucketKeySql, bucketKeyToStart } from './time-buckets.js';
import { spanScopeSql, traceScopeSql } from './trace-scope.js';

const maxErrorTypes = 20;

/** Latency percentiles, error rates (overall, per bucket, per error type) and time to first token. */
export async function performanceDashboard(
  storage: Storage,
  request: DashboardRequest,
): Promise<PerformanceDashboard> {
  const { db, dialect } = storage;
  const traceBucket = bucketKeySql(dialect, sql`t.timestamp_ms`, request.bucket);
  const finished = sql`${traceScopeSql(request, dialect)} and t.status <> 'IN_PROGRESS'`;
  const latencySource = (bucket: RawBuilder<number>) =>
    sql`select ${bucket} as bucket, t.execution_time_ms as v from trace_info t
      where ${finished} and t.execution_time_ms is not null`;
  const spanBucket = bucketKeySql(dialect, sql`(s.start_time_ns / 1000000)`, request.bucket);
  const ttftSource = (bucket: RawBuilder<number>) =>
    ttftSourceSql(dialect, bucket, spanScopeSql(request, dialect));

  // SQLite: the scan counting traces and errors also hands over the latencies (group_concat
  // skips nulls), so the traces in range are read once.
  const errorRows = await sql<{ bucket: number; total: number; errors: number; vs?: string }>`
    select ${traceBucket} as bucket, count(*) as total,
      sum(case when t.status = 'ERROR' then 1 else 0 end) as errors
      ${dialect === 'sqlite' ? sql`, group_concat(t.execution_time_ms) as vs` : sql``}
    from trace_info t where ${finished} group by 1`.execute(db);
  const latency =
    dialect === 'sqlite'
      ? percentilesOfLists(
          errorRows.rows.map((row) => ({ bucket: row.bucket, vs: row.vs ?? null })),
        )
      : await percentilesOf(db, dialect, latencySource, traceBucket);
  const ttft = await percentilesOf(db, dialect, ttftSource, spanBucket);

  // The root span's exception as a subquery, not a LEFT JOIN: SQLite's spans is a view over a
  // join (migration 015), which its planner cannot flatten into the right side of a LEFT JOIN.
  const errorType = exceptionTypeSql(dialect, sql`s.events`);
  const typeRows = await sql<{ error_type: string; n: number }>`
    select coalesce((select ${errorType} from spans s
        where s.trace_id = t.request_id and s.span_id = t.root_span_id), 'UNKNOWN') as error_type,
      count(*) as n
    from trace_info t
    where ${traceScopeSql(request, dialect)} and t.status = 'ERROR'
    group by 1 order by 2 desc, 1 limit ${maxErrorTypes}`.execute(db);

  const byBucket = new Map<number, { total: number; errors: number }>();
  let total = 0;
  let errors = 0;
  for (const row of errorRows.rows) {
    const counts = { total: Number(row.total), errors: Number(row.errors) };
    byBucket.set(bucketKeyToStart(row.bucket, request.bucket), counts);
    total += counts.total;
    errors += counts.errors;
  }
  return {
    start_ms: request.startMs,
    end_ms: request.endMs,
    bucket: request.bucket,
    buckets: request.buckets,
    latency: { overall: latency.overall, series: series(request, latency.byBucket) },
    errors: {
      total,
      errors,
      error_rate: total === 0 ? 0 : errors / total,
      series: request.buckets.map((start) => {
        const counts = byBucket.get(start) ?? { total: 0, errors: 0 };
        return {
          bucket_start_ms: start,
          ...counts,
          error_rate: counts.total === 0 ? 0 : counts.errors / counts.total,
        };
      }),
      by_type: typeRows.rows.map((row) => ({
        error_type: row.error_type,
        count: Number(row.n),
        share: errors === 0 ? 0 : Number(row.n) / errors,
      })),
    },
    ttft: { overall: ttft.overall, series: series(request, ttft.byBucket) },
  };
}

function series(request: DashboardRequest, rows: PercentileRows): PercentilePoint[] {
  const byStart = new Map<number, PercentilePoint>();
  for (const [key, value] of rows) {
    const start = bucketKeyToStart(key, request.bucket);
    byStart.set(start, { bucket_start_ms: start, ...value });
  }
  return request.buckets.map(
    (start) => byStart.get(start) ?? { bucket_start_ms: start, ...emptyPercentiles },
  );
}
