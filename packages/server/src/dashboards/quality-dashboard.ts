import type { QualityDashboard } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import { invalidParameter } from '../errors.js';
import type { Storage } from '../storage/index.js';
import { scoreSql } from '../tracing/index.js';
import { assessmentScopeSql, humanFeedback, judgeScores } from './assessment-signals.js';
import type { DashboardRequest } from './dashboard-request.js';
import { bucketKeySql, bucketKeyToStart } from './time-buckets.js';

const maxMetricKeys = 20;
const maxMetricParams = 50;
const maxAlerts = 100;

/** Evaluation metric trends, human feedback, toxicity alerts and judge-scored faithfulness. */
export async function qualityDashboard(
  storage: Storage,
  request: DashboardRequest,
): Promise<QualityDashboard> {
  const metricKeys = request.fields.stringList('metric').filter((key) => key !== '');
  if (metricKeys.length > maxMetricParams) {
    throw invalidParameter(`At most ${maxMetricParams} metric keys may be given.`);
  }
  const threshold = request.fields.has('toxicity_threshold')
    ? request.fields.requiredDouble('toxicity_threshold')
    : 0.5;
  if (!Number.isFinite(threshold)) throw invalidParameter('toxicity_threshold must be finite.');
  return {
    start_ms: request.startMs,
    end_ms: request.endMs,
    bucket: request.bucket,
    buckets: request.buckets,
    metric_trends: await metricTrends(storage, request, metricKeys),
    feedback: await humanFeedback(storage, request),
    toxicity: await toxicity(storage, request, threshold),
    judges: await judgeScores(storage, request),
  };
}

/** Active runs (aliased `r`) started in range, in the filtered experiments, by user and run tags. */
function runScopeSql(request: DashboardRequest): RawBuilder<boolean> {
  const { filters } = request;
  const conditions: RawBuilder<unknown>[] = [
    sql`r.start_time >= ${request.startMs} and r.start_time < ${request.endMs} and r.lifecycle_stage = 'active'`,
  ];
  if (filters.experimentIds.length > 0)
    conditions.push(sql`r.experiment_id in (${sql.join(filters.experimentIds)})`);
  if (filters.user !== undefined) conditions.push(sql`r.user_id = ${filters.user}`);
  for (const tag of filters.tags) {
    conditions.push(
      sql`r.run_uuid in (select run_uuid from tags where key = ${tag.key} and value = ${tag.value})`,
    );
  }
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/** The keys a trend shows: those asked for, or the ones evaluations log by default. */
function metricKeySql(keys: readonly string[]): RawBuilder<boolean> {
  if (keys.length > 0) return sql<boolean>`m.key in (${sql.join(keys)})`;
  const key = sql`lower(m.key)`;
  // Aggregates are `name/mean` or `name/v1/mean`; their other aggregates (variance, p90) are left out.
  return sql<boolean>`(${key} like '%/mean' or (${key} not like '%/%' and (${key} like '%accuracy%'
    or ${key} like '%faithfulness%' or ${key} like '%toxicity%' or ${key} like '%relevance%'
    or ${key} like '%correctness%')))`;
}

async function metricTrends(
  storage: Storage,
  request: DashboardRequest,
  keys: readonly string[],
): Promise<QualityDashboard['metric_trends']> {
  const { db, dialect } = storage;
  const scope = sql`${runScopeSql(request)} and m.is_nan = 0 and ${metricKeySql(keys)}`;
  const rows = await sql<{ key: string; bucket: number; runs: number; mean: number }>`
    select m.key as key, ${bucketKeySql(dialect, sql`r.start_time`, request.bucket)} as bucket,
      count(*) as runs, avg(m.value) as mean
    from latest_metrics m join runs r on r.run_uuid = m.run_uuid
    where ${scope} and m.key in (select m.key from latest_metrics m join runs r on r.run_uuid = m.run_uuid
      where ${scope} group by m.key order by count(*) desc, m.key limit ${maxMetricKeys})
    group by 1, 2 order by 1, 2`.execute(db);
  const trends = new Map<string, QualityDashboard['metric_trends'][number]>();
  for (const row of rows.rows) {
    const trend = trends.get(row.key) ?? { key: row.key, points: [] };
    trend.points.push({
      bucket_start_ms: bucketKeyToStart(row.bucket, request.bucket),
      runs: Number(row.runs),
      mean: Number(row.mean),
    });
    trends.set(row.key, trend);
  }
  return [...trends.values()];
}

async function toxicity(
  storage: Storage,
  request: DashboardRequest,
  threshold: number,
): Promise<QualityDashboard['toxicity']> {
  const { db, dialect } = storage;
  const score = scoreSql(dialect, sql`a.value`);
  const metricKey = sql`lower(m.key)`;
  const alerts = sql`
    select 'assessment' as source, a.name as name, ${score} as value, a.create_time_ms as time_ms,
      a.trace_id as trace_id, null as run_id
    from assessments a
    where ${assessmentScopeSql(request, dialect)} and lower(a.name) like '%toxicity%' and ${score} > ${threshold}
    union all
    select 'metric' as source, m.key as name, m.value as value, r.start_time as time_ms,
      null as trace_id, r.run_uuid as run_id
    from latest_metrics m join runs r on r.run_uuid = m.run_uuid
    where ${runScopeSql(request)} and m.is_nan = 0 and ${metricKey} like '%toxicity%'
      and (${metricKey} = 'toxicity' or ${metricKey} like '%/mean' or ${metricKey} like '%/max')
      and m.value > ${threshold}`;
  const counts = await sql<{ bucket: number; n: number }>`
    select ${bucketKeySql(dialect, sql`x.time_ms`, request.bucket)} as bucket, count(*) as n
    from (${alerts}) x group by 1`.execute(db);
  const newest = await sql<QualityDashboard['toxicity']['alerts'][number]>`
    select * from (${alerts}) x order by x.time_ms desc, x.name limit ${maxAlerts}`.execute(db);
  const byStart = new Map(
    counts.rows.map((row) => [bucketKeyToStart(row.bucket, request.bucket), Number(row.n)]),
  );
  return {
    threshold,
    count: [...byStart.values()].reduce((sum, n) => sum + n, 0),
    series: request.buckets.map((start) => ({
      bucket_start_ms: start,
      count: byStart.get(start) ?? 0,
    })),
    alerts: newest.rows.map((row) => ({
      source: row.source,
      name: row.name,
      value: Number(row.value),
      time_ms: Number(row.time_ms),
      trace_id: row.trace_id,
      run_id: row.run_id,
    })),
  };
}
