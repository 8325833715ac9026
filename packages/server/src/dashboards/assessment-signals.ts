import type { QualityDashboard } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { Storage, StorageDialect } from '../storage/index.js';
import { scoreSql } from '../tracing/index.js';
import type { DashboardRequest } from './dashboard-request.js';
import { bodyFieldSql } from './json-sql.js';
import { bucketKeySql, bucketKeyToStart } from './time-buckets.js';
import { hasTraceFilters, traceIdFilterSql } from './trace-scope.js';

const maxNames = 20;

/** Valid feedback assessments (aliased `a`) created in range, on traces passing the filters. */
export function assessmentScopeSql(
  request: DashboardRequest,
  dialect: StorageDialect,
): RawBuilder<boolean> {
  const base = sql`a.create_time_ms >= ${request.startMs} and a.create_time_ms < ${request.endMs}
    and a.valid = 1 and a.assessment_type = 'feedback'`;
  if (!hasTraceFilters(request.filters)) return sql<boolean>`${base}`;
  return sql<boolean>`${base} and ${traceIdFilterSql(request.filters, dialect, 'a.trace_id')}`;
}

/** HUMAN feedback per name: positive (score ≥ 0.5) and negative counts, overall and per bucket. */
export async function humanFeedback(
  storage: Storage,
  request: DashboardRequest,
): Promise<QualityDashboard['feedback']> {
  const { db, dialect } = storage;
  const score = scoreSql(dialect, sql`a.value`);
  const scope = sql`${assessmentScopeSql(request, dialect)}
    and ${bodyFieldSql(dialect, sql`a.body`, ['source', 'source_type'])} = 'HUMAN'`;
  const rows = await sql<{ name: string; bucket: number; positive: number; negative: number }>`
    select a.name as name, ${bucketKeySql(dialect, sql`a.create_time_ms`, request.bucket)} as bucket,
      sum(case when ${score} >= 0.5 then 1 else 0 end) as positive,
      sum(case when ${score} < 0.5 then 1 else 0 end) as negative
    from assessments a
    where ${scope} and a.name in (select a.name from assessments a where ${scope}
      group by a.name order by count(*) desc, a.name limit ${maxNames})
    group by 1, 2`.execute(db);
  const byName = new Map<string, QualityDashboard['feedback'][number]>();
  const indexOf = new Map(request.buckets.map((start, index) => [start, index]));
  for (const row of rows.rows) {
    let entry = byName.get(row.name);
    if (!entry) {
      entry = {
        name: row.name,
        total: 0,
        positive: 0,
        negative: 0,
        positive_ratio: 0,
        series: request.buckets.map((start) => ({
          bucket_start_ms: start,
          positive: 0,
          negative: 0,
        })),
      };
      byName.set(row.name, entry);
    }
    const positive = Number(row.positive);
    const negative = Number(row.negative);
    entry.positive += positive;
    entry.negative += negative;
    const index = indexOf.get(bucketKeyToStart(row.bucket, request.bucket));
    if (index !== undefined) entry.series[index] = { ...entry.series[index]!, positive, negative };
  }
  const entries = [...byName.values()];
  for (const entry of entries) {
    entry.total = entry.positive + entry.negative;
    entry.positive_ratio = entry.total === 0 ? 0 : entry.positive / entry.total;
  }
  return entries.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
}

/**
 * Judge scores (LLM_JUDGE or CODE sources) whose name speaks of faithfulness, groundedness or
 * hallucination: mean and flagged share per name, overall and per bucket. A low faithfulness or
 * groundedness score is flagged; for hallucination names a high score is.
 */
export async function judgeScores(
  storage: Storage,
  request: DashboardRequest,
): Promise<QualityDashboard['judges']> {
  const { db, dialect } = storage;
  const score = scoreSql(dialect, sql`a.value`);
  const flagged = sql`case when lower(a.name) like '%hallucinat%' then ${score} >= 0.5 else ${score} < 0.5 end`;
  const rows = await sql<{
    name: string;
    bucket: number;
    n: number;
    total: number;
    flagged: number;
  }>`
    select a.name as name, ${bucketKeySql(dialect, sql`a.create_time_ms`, request.bucket)} as bucket,
      count(*) as n, sum(${score}) as total, sum(case when ${flagged} then 1 else 0 end) as flagged
    from assessments a
    where ${assessmentScopeSql(request, dialect)}
      and ${bodyFieldSql(dialect, sql`a.body`, ['source', 'source_type'])} in ('LLM_JUDGE', 'CODE')
      and (lower(a.name) like '%faithful%' or lower(a.name) like '%grounded%'
        or lower(a.name) like '%hallucinat%')
      and ${score} is not null
    group by 1, 2`.execute(db);
  const byName = new Map<
    string,
    { count: number; total: number; flagged: number; series: Map<number, [number, number]> }
  >();
  for (const row of rows.rows) {
    const entry = byName.get(row.name) ?? { count: 0, total: 0, flagged: 0, series: new Map() };
    entry.count += Number(row.n);
    entry.total += Number(row.total);
    entry.flagged += Number(row.flagged);
    entry.series.set(bucketKeyToStart(row.bucket, request.bucket), [
      Number(row.n),
      Number(row.total),
    ]);
    byName.set(row.name, entry);
  }
  return [...byName.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : 1))
    .slice(0, maxNames)
    .map(([name, entry]) => ({
      name,
      count: entry.count,
      mean: entry.total / entry.count,
      flagged_ratio: entry.flagged / entry.count,
      series: request.buckets.map((start) => {
        const [count, total] = entry.series.get(start) ?? [0, 0];
        return { bucket_start_ms: start, count, mean: count === 0 ? null : total / count };
      }),
    }));
}
