import { gatewayRouteMetadataKey } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import type { DashboardFilters, DashboardRequest } from './dashboard-request.js';

/** Trace metadata keys of the user and session a trace belongs to (MLflow's). */
export const userKey = 'mlflow.trace.user';
/** See `userKey`. */
export const sessionKey = 'mlflow.trace.session';

/**
 * The filters (not the time range) as SQL over a `trace_info` row aliased `alias`. Each filter is
 * an `IN (subquery)` on an indexed key so the planner can start from either side.
 */
export function traceFilterSql(filters: DashboardFilters, alias: string): RawBuilder<boolean> {
  const requestId = sql.ref(`${alias}.request_id`);
  const conditions: RawBuilder<unknown>[] = [];
  if (filters.experimentIds.length > 0) {
    conditions.push(
      sql`${sql.ref(`${alias}.experiment_id`)} in (${sql.join(filters.experimentIds)})`,
    );
  }
  const metadata = (key: string, value: string) =>
    sql`${requestId} in (select request_id from trace_request_metadata where key = ${key} and value = ${value})`;
  if (filters.user !== undefined) conditions.push(metadata(userKey, filters.user));
  if (filters.session !== undefined) conditions.push(metadata(sessionKey, filters.session));
  if (filters.route !== undefined)
    conditions.push(metadata(gatewayRouteMetadataKey, filters.route));
  if (filters.model !== undefined) {
    conditions.push(
      sql`${requestId} in (select request_id from trace_usage where model = ${filters.model})`,
    );
  }
  for (const tag of filters.tags) {
    conditions.push(
      sql`${requestId} in (select request_id from trace_tags where key = ${tag.key} and value = ${tag.value})`,
    );
  }
  if (conditions.length === 0) return sql<boolean>`1 = 1`;
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/** True when any filter beyond the time range is set. */
export function hasTraceFilters(filters: DashboardFilters): boolean {
  return (
    filters.experimentIds.length > 0 ||
    filters.user !== undefined ||
    filters.session !== undefined ||
    filters.route !== undefined ||
    filters.model !== undefined ||
    filters.tags.length > 0
  );
}

/** Traces that started in the request's range and pass its filters, as SQL over `alias`. */
export function traceScopeSql(request: DashboardRequest, alias = 't'): RawBuilder<boolean> {
  const timestamp = sql.ref(`${alias}.timestamp_ms`);
  return sql<boolean>`${timestamp} >= ${request.startMs} and ${timestamp} < ${request.endMs}
    and ${traceFilterSql(request.filters, alias)}`;
}

/**
 * Spans that started in the request's range and belong to traces passing its filters, as SQL
 * over a `spans` row aliased `alias`. Nanosecond bounds are bigints: ms × 10⁶ exceeds 2⁵³.
 */
export function spanScopeSql(
  request: DashboardRequest,
  dialect: StorageDialect,
  alias = 's',
): RawBuilder<boolean> {
  const start = sql.ref(`${alias}.start_time_ns`);
  const range = sql`${start} >= ${nanos(request.startMs)} and ${start} < ${nanos(request.endMs)}`;
  if (!hasTraceFilters(request.filters)) return sql<boolean>`${range}`;
  return sql<boolean>`${range} and ${traceIdFilterSql(request.filters, dialect, `${alias}.trace_id`)}`;
}

/**
 * The filters as SQL over a trace id column of another table (spans, assessments): one
 * `IN (subquery)` per filter, each read from a covering index ((key, value, request_id) for
 * metadata and tags, (model, request_id) for usage) and built once. Only the experiment filter
 * reads trace rows. On SQLite the column is written `+column`, so the planner still walks the
 * caller's time-range index and probes the lists, instead of seeking every listed trace's rows
 * (all of them, from any time) one by one.
 */
export function traceIdFilterSql(
  filters: DashboardFilters,
  dialect: StorageDialect,
  column: string,
): RawBuilder<boolean> {
  const traceId = dialect === 'sqlite' ? sql`+${sql.ref(column)}` : sql.ref(column);
  const lists: RawBuilder<unknown>[] = [];
  if (filters.experimentIds.length > 0) {
    lists.push(
      sql`select request_id from trace_info where experiment_id in (${sql.join(filters.experimentIds)})`,
    );
  }
  const metadata = (key: string, value: string) =>
    sql`select request_id from trace_request_metadata where key = ${key} and value = ${value}`;
  if (filters.user !== undefined) lists.push(metadata(userKey, filters.user));
  if (filters.session !== undefined) lists.push(metadata(sessionKey, filters.session));
  if (filters.route !== undefined) lists.push(metadata(gatewayRouteMetadataKey, filters.route));
  if (filters.model !== undefined) {
    lists.push(sql`select request_id from trace_usage where model = ${filters.model}`);
  }
  for (const tag of filters.tags) {
    lists.push(
      sql`select request_id from trace_tags where key = ${tag.key} and value = ${tag.value}`,
    );
  }
  if (lists.length === 0) return sql<boolean>`1 = 1`;
  return sql<boolean>`${sql.join(
    lists.map((list) => sql`${traceId} in (${list})`),
    sql` and `,
  )}`;
}

function nanos(millis: number): bigint {
  return BigInt(millis) * 1_000_000n;
}
