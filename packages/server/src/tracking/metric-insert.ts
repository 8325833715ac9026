import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../storage/index.js';

/** A validated metric point on its way in; `value` may be NaN or ±Infinity. */
export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** The columns of a point as stored: NaN becomes value 0 with is_nan 1 (SQLite has no NaN). */
interface StoredPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  isNan: number;
}

function toStored(point: MetricPoint): StoredPoint {
  const isNan = Number.isNaN(point.value);
  return {
    key: point.key,
    value: isNan ? 0 : point.value,
    timestamp: point.timestamp,
    step: point.step,
    isNan: isNan ? 1 : 0,
  };
}

/** True when `a` is newer than `b` by MLflow's rule: compare (step, timestamp, value). */
function isNewer(a: StoredPoint, b: StoredPoint): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/** The newest point of each key in a batch, so latest_metrics gets one upsert per key. */
function newestPerKey(points: readonly StoredPoint[]): StoredPoint[] {
  const newest = new Map<string, StoredPoint>();
  for (const point of points) {
    const current = newest.get(point.key);
    if (current === undefined || isNewer(point, current)) newest.set(point.key, point);
  }
  return [...newest.values()];
}

const latestUpdateSql = `do update set value = excluded.value, timestamp = excluded.timestamp,
  step = excluded.step, is_nan = excluded.is_nan
  where (excluded.step, excluded.timestamp, excluded.value) >
        (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)`;

/**
 * The hot insert of metric points into `metrics` (identical points are ignored by the unique
 * key) and `latest_metrics` (kept at the max by step, timestamp, value), specialised per dialect:
 * cached prepared statements on SQLite, one statement on PostgreSQL. It writes only to an active
 * run and returns the run's lifecycle stage (undefined when there is no such run), so the caller
 * needs no separate round trip to check it.
 */
export interface MetricInserter {
  insert(
    db: Kysely<DatabaseSchema>,
    runId: string,
    points: readonly MetricPoint[],
  ): Promise<string | undefined>;
}

/** SQLite: prepared statements on the raw handle, which shares Kysely's connection and transaction. */
export function sqliteMetricInserter(sqlite: BetterSqlite3.Database): MetricInserter {
  let statements:
    | {
        stage: BetterSqlite3.Statement<[string], { lifecycle_stage: string }>;
        point: BetterSqlite3.Statement;
        latest: BetterSqlite3.Statement;
      }
    | undefined;
  const prepare = () => {
    statements ??= {
      stage: sqlite.prepare('select lifecycle_stage from runs where run_uuid = ?'),
      point: sqlite.prepare(
        'insert or ignore into metrics (run_uuid, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, ?, ?)',
      ),
      latest: sqlite.prepare(
        `insert into latest_metrics (run_uuid, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, ?, ?)
         on conflict (run_uuid, key) ${latestUpdateSql}`,
      ),
    };
    return statements;
  };
  return {
    async insert(_db, runId, points) {
      const { stage, point: pointStatement, latest } = prepare();
      // Inside the write transaction on Kysely's own connection, so this sees the current state.
      const lifecycleStage = stage.get(runId)?.lifecycle_stage;
      if (lifecycleStage !== 'active') return lifecycleStage;
      const stored = points.map(toStored);
      for (const point of stored) {
        pointStatement.run(runId, point.key, point.value, point.timestamp, point.step, point.isNan);
      }
      for (const point of newestPerKey(stored)) {
        latest.run(runId, point.key, point.value, point.timestamp, point.step, point.isNan);
      }
      return lifecycleStage;
    },
  };
}

/**
 * PostgreSQL: one statement per batch. Data-modifying CTEs insert the points and upsert the
 * latest values from `unnest`ed arrays, guarded by the run's stage, which the statement returns.
 */
export function postgresMetricInserter(): MetricInserter {
  return {
    async insert(db, runId, points) {
      const stored = points.map(toStored);
      const newest = newestPerKey(stored);
      const { rows } = await sql<{ lifecycle_stage: string }>`
        with run as (select lifecycle_stage from runs where run_uuid = ${runId}),
        inserted as (
          insert into metrics (run_uuid, key, value, timestamp, step, is_nan)
          select ${runId}, point.key, point.value, point.timestamp, point.step, point.is_nan
          from ${unnestPoints(stored)}
          where (select lifecycle_stage from run) = 'active'
          on conflict do nothing
        ),
        latest as (
          insert into latest_metrics (run_uuid, key, value, timestamp, step, is_nan)
          select ${runId}, point.key, point.value, point.timestamp, point.step, point.is_nan
          from ${unnestPoints(newest)}
          where (select lifecycle_stage from run) = 'active'
          on conflict (run_uuid, key) ${sql.raw(latestUpdateSql)}
        )
        select lifecycle_stage from run`.execute(db);
      return rows[0]?.lifecycle_stage;
    },
  };
}

function unnestPoints(points: readonly StoredPoint[]) {
  // Array literals built here cost a fifth of pg's per-element serialisation; they are still
  // bound as parameters. Infinity and -Infinity are valid float8 literals.
  return sql`unnest(${textArray(points.map((point) => point.key))}::text[],
                    ${numberArray(points.map((point) => point.value))}::float8[],
                    ${numberArray(points.map((point) => point.timestamp))}::int8[],
                    ${numberArray(points.map((point) => point.step))}::int8[],
                    ${numberArray(points.map((point) => point.isNan))}::int4[])
    as point(key, value, timestamp, step, is_nan)`;
}

function numberArray(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}

function textArray(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
