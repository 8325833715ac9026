import { gatewayRouteMetadataKey } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import { traceKeyTables } from '../tracing/trace-key-tables.js';
import type { DashboardFilters, DashboardRequest } from './dashboard-request.js';

/** Trace metadata keys of the user and session a trace belongs to (MLflow's). */
export const userKey = 'mlflow.trace.user';
/** See `userKey`. */
export const sessionKey = 'mlflow.trace.session';

/**
 * The filters (not the time range) as SQL over a `trace_info` row aliased `alias`. Each filter is
 * an `IN (subquery)` on an indexed key so the planner can start from either side.
 */
export function traceFilterSql(
  filters: DashboardFilters,
  dialect: StorageDialect,
  alias: string,
): RawBuilder<boolean> {
  const conditions: RawBuilder<unknown>[] = [];
  if (filters.experimentIds.length > 0) {
    conditions.push(
      sql`${sql.ref(`${alias}.experiment_id`)} in (${sql.join(filters.experimentIds)})`,
    );
  }
  const trace = sql.ref(`${alias}.${traceKeyTables(dialect).traceColumn}`);
  for (const list of filterLists(filters, dialect, 'key'))
    conditions.push(sql`${trace} in (${list})`);
  if (conditions.length === 0) return sql<boolean>`1 = 1`;
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/**
 * The traces each filter other than the experiment's admits, as subqueries read from covering
 * indexes ((key, value, trace) for metadata and tags, (model, trace) for usage): of request ids,
 * or of the column `traceKeyTables` names for trace_info (SQLite's trace keys).
 */
function filterLists(
  filters: DashboardFilters,
  dialect: StorageDialect,
  naming: 'key' | 'request_id',
): RawBuilder<unknown>[] {
  const tables = traceKeyTables(dialect);
  const byKey = naming === 'key';
  const trace = sql.ref(byKey ? tables.traceColumn : 'request_id');
  const lists: RawBuilder<unknown>[] = [];
  const metadata = (key: string, value: string) =>
    sql`select ${trace} from ${sql.table(byKey ? tables.metadata : 'trace_request_metadata')}
      where key = ${key} and value = ${value}`;
  if (filters.user !== undefined) lists.push(metadata(userKey, filters.user));
  if (filters.session !== undefined) lists.push(metadata(sessionKey, filters.session));
  if (filters.route !== undefined) lists.push(metadata(gatewayRouteMetadataKey, filters.route));
  if (filters.model !== undefined) {
    lists.push(sql`select ${trace} from ${sql.table(byKey ? tables.usage : 'trace_usage')}
      where model = ${filters.model}`);
  }
  for (const tag of filters.tags) {
    // Tags are keyed by request id on both dialects.
    lists.push(
      byKey && tables.traceColumn !== 'request_id'
        ? sql`select t.${trace} from trace_tags g join trace_info t on t.request_id = g.request_id
            where g.key = ${tag.key} and g.value = ${tag.value}`
        : sql`select request_id from trace_tags where key = ${tag.key} and value = ${tag.value}`,
    );
  }
  return lists;
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
export function traceScopeSql(
  request: DashboardRequest,
  dialect: StorageDialect,
  alias = 't',
): RawBuilder<boolean> {
  const timestamp = sql.ref(`${alias}.timestamp_ms`);
  return sql<boolean>`${timestamp} >= ${request.startMs} and ${timestamp} < ${request.endMs}
    and ${traceFilterSql(request.filters, dialect, alias)}`;
}

/**
 * Spans that started in the request's range and belong to traces passing its filters, as SQL
 * over a row of `traceKeyTables(dialect).spans` aliased `alias`. Nanosecond bounds are bigints:
 * ms × 10⁶ exceeds 2⁵³.
 */
export function spanScopeSql(
  request: DashboardRequest,
  dialect: StorageDialect,
  alias = 's',
): RawBuilder<boolean> {
  const start = sql.ref(`${alias}.start_time_ns`);
  const range = sql`${start} >= ${nanos(request.startMs)} and ${start} < ${nanos(request.endMs)}`;
  if (!hasTraceFilters(request.filters)) return sql<boolean>`${range}`;
  const column = `${alias}.${traceKeyTables(dialect).spanTraceColumn}`;
  return sql<boolean>`${range} and ${traceFilterListsSql(request.filters, dialect, column, 'key')}`;
}

/**
 * The filters as SQL over a trace id column of another table (assessments): one `IN (subquery)`
 * per filter, each read from a covering index and built once. Only the experiment filter reads
 * trace rows. On SQLite the column is written `+column`, so the planner still walks the
 * caller's time-range index and probes the lists, instead of seeking every listed trace's rows
 * (all of them, from any time) one by one.
 */
export function traceIdFilterSql(
  filters: DashboardFilters,
  dialect: StorageDialect,
  column: string,
): RawBuilder<boolean> {
  return traceFilterListsSql(filters, dialect, column, 'request_id');
}

/** `traceIdFilterSql` over a column of request ids, or of trace keys (see `traceKeyTables`). */
function traceFilterListsSql(
  filters: DashboardFilters,
  dialect: StorageDialect,
  column: string,
  naming: 'key' | 'request_id',
): RawBuilder<boolean> {
  const trace = dialect === 'sqlite' ? sql`+${sql.ref(column)}` : sql.ref(column);
  const traceColumn = sql.ref(
    naming === 'key' ? traceKeyTables(dialect).traceColumn : 'request_id',
  );
  const lists: RawBuilder<unknown>[] = [];
  if (filters.experimentIds.length > 0) {
    lists.push(
      sql`select ${traceColumn} from trace_info where experiment_id in (${sql.join(filters.experimentIds)})`,
    );
  }
  lists.push(...filterLists(filters, dialect, naming));
  if (lists.length === 0) return sql<boolean>`1 = 1`;
  return sql<boolean>`${sql.join(
    lists.map((list) => sql`${trace} in (${list})`),
    sql` and `,
  )}`;
}

function nanos(millis: number): bigint {
  return BigInt(millis) * 1_000_000n;
}
