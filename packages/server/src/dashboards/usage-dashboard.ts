import type { UsageDashboard } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { Storage } from '../storage/index.js';
import { traceKeyTables } from '../tracing/trace-key-tables.js';
import type { DashboardRequest } from './dashboard-request.js';
import { groupSource } from './group-by.js';
import { bucketKeySql, bucketKeyToStart } from './time-buckets.js';
import { hasTraceFilters, spanScopeSql, traceScopeSql } from './trace-scope.js';

const maxQueries = 20;
/** Must match migration 011's indexed expression word for word. */
const queryPrefix = sql`substr(t.request_preview, 1, 200)`;
const maxTools = 50;
const maxGroups = 50;

interface ActivityRow {
  requests: number;
  users: number;
  sessions: number;
}

/** Requests, active users and sessions over time, the commonest queries and tool usage. */
export async function usageDashboard(
  storage: Storage,
  request: DashboardRequest,
): Promise<UsageDashboard> {
  const { db, dialect } = storage;
  const scope = traceScopeSql(request, dialect);
  // Each trace's user and session are its own columns (migration 012), read with the time from
  // one index. Each bucket hands over its distinct users and sessions as JSON arrays; the overall
  // distinct counts are their union, taken here, instead of a second pass of SQL distinct
  // counting over every row.
  const distinctValues = (column: RawBuilder<unknown>) =>
    dialect === 'sqlite'
      ? sql`json_group_array(distinct ${column})`
      : sql`json_agg(distinct ${column})`;
  const activity = await sql<{
    bucket: number;
    requests: number;
    users: unknown;
    sessions: unknown;
  }>`
    select ${bucketKeySql(dialect, sql`t.timestamp_ms`, request.bucket)} as bucket,
      count(*) as requests, ${distinctValues(sql`t.user_id`)} as users,
      ${distinctValues(sql`t.session_id`)} as sessions
    from trace_info t
    where ${scope} group by 1`.execute(db);
  const allUsers = new Set<string>();
  const allSessions = new Set<string>();
  let requests = 0;
  const byStart = new Map<number, ActivityRow>();
  for (const row of activity.rows) {
    const users = distinctStrings(row.users);
    const sessions = distinctStrings(row.sessions);
    for (const user of users) allUsers.add(user);
    for (const session of sessions) allSessions.add(session);
    requests += Number(row.requests);
    byStart.set(bucketKeyToStart(row.bucket, request.bucket), {
      requests: Number(row.requests),
      users: users.length,
      sessions: sessions.length,
    });
  }

  // SQLite, unfiltered: the prefix and time come from migration 011's expression index alone
  // (the LIMITed subquery keeps SQLite from reading the column itself for the null check).
  // Filtered, the planner starts from the filter's list of traces instead.
  const fromIndex = dialect === 'sqlite' && !hasTraceFilters(request.filters);
  const queries = await sql<{ query: string; n: number; last_ms: number }>`
    select query, count(*) as n, max(timestamp_ms) as last_ms from (
      select ${queryPrefix} as query, t.timestamp_ms from trace_info t where ${scope}
      ${fromIndex ? sql`limit -1` : sql`and t.request_preview is not null`}) x
    where query is not null group by 1 order by 2 desc, 1 limit ${maxQueries}`.execute(db);

  const tools = await sql<{ name: string; calls: number; errors: number; avg_ns: number | null }>`
    select s.name as name, count(*) as calls,
      sum(case when s.status = 'ERROR' then 1 else 0 end) as errors,
      avg(s.end_time_ns - s.start_time_ns) as avg_ns
    from ${sql.table(traceKeyTables(dialect).spans)} s
    where s.span_type = 'TOOL' and ${spanScopeSql(request, dialect)}
    group by 1 order by 2 desc, 1 limit ${maxTools}`.execute(db);

  let groups: UsageDashboard['groups'] = [];
  if (request.groupBy) {
    const source = groupSource(request.groupBy, dialect);
    const rows = await sql<{ key: string | null; n: number }>`
      select ${source.key} as key, count(*) as n from ${source.from} where ${scope}
      group by 1 order by 2 desc, 1 asc nulls last limit ${maxGroups}`.execute(db);
    groups = rows.rows.map((row) => ({ key: row.key, requests: Number(row.n) }));
  }

  return {
    start_ms: request.startMs,
    end_ms: request.endMs,
    bucket: request.bucket,
    buckets: request.buckets,
    totals: { requests, users: allUsers.size, sessions: allSessions.size },
    series: request.buckets.map((start) => ({
      bucket_start_ms: start,
      ...(byStart.get(start) ?? { requests: 0, users: 0, sessions: 0 }),
    })),
    top_queries: queries.rows.map((row) => ({
      query: row.query,
      count: Number(row.n),
      last_ms: Number(row.last_ms),
    })),
    tools: tools.rows.map((row) => ({
      name: row.name,
      calls: Number(row.calls),
      errors: Number(row.errors),
      avg_duration_ms: row.avg_ns === null ? null : Number(row.avg_ns) / 1e6,
    })),
    group_by: request.groupBy?.name ?? null,
    groups,
  };
}

/** The non-null strings of a JSON array aggregate (text from SQLite, parsed by pg). */
function distinctStrings(aggregate: unknown): string[] {
  const values = (typeof aggregate === 'string' ? JSON.parse(aggregate) : aggregate) as
    | (string | null)[]
    | null;
  return (values ?? []).filter((value): value is string => value !== null);
}
