import type { CostDashboard, CostTotals } from '@cairn/spec';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseSchema, Storage } from '../storage/index.js';
import { forecastMonth, forecastWindow } from './cost-forecast.js';
import type { DashboardRequest } from './dashboard-request.js';
import { type GroupSource, groupSource } from './group-by.js';
import { bucketKeySql, bucketKeyToStart } from './time-buckets.js';
import { traceFilterSql, traceScopeSql } from './trace-scope.js';

const maxGroups = 50;
const maxGroupSeries = 10;

interface TotalsRow {
  cost: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  traces: number;
}

/** Spend per bucket, per group (top 50, top 10 as series) and a forecast to month end. */
export async function costDashboard(
  storage: Storage,
  request: DashboardRequest,
): Promise<CostDashboard> {
  const { db, dialect } = storage;
  const groupBy = request.groupBy ?? { kind: 'model', name: 'model' };
  const bucket = bucketKeySql(dialect, sql`t.timestamp_ms`, request.bucket);
  const scope = traceScopeSql(request, dialect);

  const seriesRows = await sql<TotalsRow & { bucket: number }>`
    select ${bucket} as bucket, ${sums('t')} from trace_info t where ${scope} group by 1`.execute(
    db,
  );
  const source = groupSource(groupBy, dialect);
  const { groupRows, groupSeriesRows } = source.namedFrom
    ? await fewKeyGroups(db, source, bucket, scope, seriesRows.rows)
    : await oneJoinGroups(db, source, bucket, scope);
  const top = groupRows.slice(0, maxGroupSeries).map((row) => row.key);

  // Daily spend for the forecast: same filters, from the earlier of fit start and month start.
  const window = forecastWindow(request.startMs, request.endMs);
  const day = bucketKeySql(dialect, sql`t.timestamp_ms`, 'day');
  const dailyRows = await sql<{ day: number; cost: number }>`
    select ${day} as day, sum(t.cost) as cost from trace_info t
    where t.timestamp_ms >= ${window.firstDayMs} and t.timestamp_ms < ${request.endMs}
      and ${traceFilterSql(request.filters, dialect, 't')}
    group by 1`.execute(db);
  const dailyCost = new Map<number, number>();
  let monthToDate = 0;
  for (const row of dailyRows.rows) {
    const start = Number(row.day);
    dailyCost.set(start, Number(row.cost));
    if (start >= window.monthStartMs) monthToDate += Number(row.cost);
  }

  const seriesByStart = new Map(
    seriesRows.rows.map((row) => [bucketKeyToStart(row.bucket, request.bucket), totals(row)]),
  );
  const indexOf = new Map(request.buckets.map((start, index) => [start, index]));
  const groupSeries = top.map((key) => ({ key, cost: request.buckets.map(() => 0) }));
  for (const row of groupSeriesRows) {
    const index = indexOf.get(bucketKeyToStart(row.bucket, request.bucket));
    const series = groupSeries.find((entry) => entry.key === row.key);
    if (index !== undefined && series) series.cost[index] = Number(row.cost);
  }
  const empty = { cost: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, traces: 0 };
  const overall = { ...empty };
  for (const value of seriesByStart.values()) {
    for (const field of Object.keys(overall) as (keyof CostTotals)[])
      overall[field] += value[field];
  }
  return {
    start_ms: request.startMs,
    end_ms: request.endMs,
    bucket: request.bucket,
    buckets: request.buckets,
    totals: overall,
    series: request.buckets.map((start) => ({
      bucket_start_ms: start,
      ...(seriesByStart.get(start) ?? empty),
    })),
    group_by: groupBy.name,
    groups: groupRows.map((row) => ({ key: row.key, ...totals(row) })),
    group_series: groupSeries,
    forecast: forecastMonth(window, request.endMs, dailyCost, monthToDate),
  };
}

type GroupRow = TotalsRow & { key: string | null };
type GroupSeriesRow = { key: string | null; bucket: number; cost: number | null };

/**
 * Top groups and the top ten's series from one pass over the grouped join: it is materialized
 * once, in scan order, so every sum adds the same rows in the same order a query of its own
 * would.
 */
async function oneJoinGroups(
  db: Kysely<DatabaseSchema>,
  source: GroupSource,
  bucket: RawBuilder<number>,
  scope: RawBuilder<boolean>,
): Promise<{ groupRows: GroupRow[]; groupSeriesRows: GroupSeriesRow[] }> {
  const summed = (name: string) => sql.ref(`${source.valueAlias}.${name}`);
  const ranked = sql`order by cost desc, key asc nulls last`;
  const rows = await sql<GroupRow & { series: number; position: number; bucket: number }>`
    with joined as materialized (
      select ${source.key} as key, ${bucket} as bucket, ${summed('cost')} as cost,
        ${summed('input_tokens')} as input_tokens, ${summed('output_tokens')} as output_tokens,
        ${summed('total_tokens')} as total_tokens
      from ${source.from} where ${scope}),
    totals as materialized (
      select key, cost, input_tokens, output_tokens, total_tokens, traces,
        row_number() over (${ranked}) as position
      from (select key, sum(cost) as cost, sum(input_tokens) as input_tokens,
          sum(output_tokens) as output_tokens, sum(total_tokens) as total_tokens,
          count(*) as traces
        from joined group by key) grouped
      ${ranked} limit ${maxGroups})
    select 0 as series, position, key, null as bucket, cost, input_tokens, output_tokens,
      total_tokens, traces
    from totals
    union all
    select 1, null, key, bucket, sum(cost), null, null, null, null from joined
    where key in (select key from totals where position <= ${maxGroupSeries})
      or (key is null and exists (select 1 from totals where key is null and position <= ${maxGroupSeries}))
    group by key, bucket`.execute(db);
  return {
    groupRows: rows.rows
      .filter((row) => Number(row.series) === 0)
      .sort((a, b) => Number(a.position) - Number(b.position)),
    groupSeriesRows: rows.rows.filter((row) => Number(row.series) === 1),
  };
}

/**
 * Top groups of a key with many values: grouped in one pass, then the top ten's series read
 * from the key's index for their traces alone when they hold at most a quarter of all traces
 * (each such trace costs a row lookup), else from a second pass.
 */
async function fewKeyGroups(
  db: Kysely<DatabaseSchema>,
  source: GroupSource,
  bucket: RawBuilder<number>,
  scope: RawBuilder<boolean>,
  seriesRows: readonly TotalsRow[],
): Promise<{ groupRows: GroupRow[]; groupSeriesRows: GroupSeriesRow[] }> {
  const groups = await sql<GroupRow>`
    select ${source.key} as key, ${sums(source.valueAlias)} from ${source.from}
    where ${scope} group by 1 order by 2 desc, 1 asc nulls last limit ${maxGroups}`.execute(db);
  const top = groups.rows.slice(0, maxGroupSeries);
  const named = top.map((row) => row.key).filter((key): key is string => key !== null);
  const value = sql.ref(`${source.valueAlias}.cost`);
  const namedTraces = top
    .filter((row) => row.key !== null)
    .reduce((sum, row) => sum + Number(row.traces), 0);
  const allTraces = seriesRows.reduce((sum, row) => sum + Number(row.traces), 0);
  const viaNamed = namedTraces * 4 <= allTraces && source.namedFrom && source.namedKey;
  const from = viaNamed ? source.namedFrom : source.from;
  const key = viaNamed ? source.namedKey : source.key;
  const groupSeriesRows: GroupSeriesRow[] = [];
  if (named.length > 0) {
    const rows = await sql<GroupSeriesRow>`
      select ${key} as key, ${bucket} as bucket, sum(${value}) as cost from ${from}
      where ${scope} and ${key} in (${sql.join(named)}) group by 1, 2`.execute(db);
    groupSeriesRows.push(...rows.rows);
  }
  if (top.some((row) => row.key === null)) {
    const rows = await sql<{ bucket: number; cost: number }>`
      select ${bucket} as bucket, sum(${value}) as cost from ${source.from}
      where ${scope} and ${source.key} is null group by 1`.execute(db);
    groupSeriesRows.push(...rows.rows.map((row) => ({ ...row, key: null })));
  }
  return { groupRows: groups.rows, groupSeriesRows };
}

function sums(alias: 'u' | 't'): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql`sum(${column('cost')}) as cost, sum(${column('input_tokens')}) as input_tokens,
    sum(${column('output_tokens')}) as output_tokens, sum(${column('total_tokens')}) as total_tokens,
    count(*) as traces`;
}

function totals(row: TotalsRow): CostTotals {
  return {
    cost: Number(row.cost ?? 0),
    input_tokens: Number(row.input_tokens ?? 0),
    output_tokens: Number(row.output_tokens ?? 0),
    total_tokens: Number(row.total_tokens ?? 0),
    traces: Number(row.traces),
  };
}
