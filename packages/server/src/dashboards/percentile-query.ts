import type { Percentiles } from '@cairn/spec';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseSchema, StorageDialect } from '../storage/index.js';

const quantiles = [0.5, 0.95, 0.99] as const;

/** Percentiles of one group key (a bucket key, or 0 for the whole range). */
export type PercentileRows = Map<number, Percentiles>;

/** Percentiles per bucket key and over the whole range. */
export interface PercentileSeries {
  byBucket: PercentileRows;
  overall: Percentiles;
}

/**
 * Exact p50/p95/p99 of `v` per bucket and overall, where `source(bucket)` is a query selecting
 * `bucket` (the given expression) and `v`. PostgreSQL computes both in one scan with
 * percentile_cont over grouping sets; SQLite has no percentile function, see `sqlitePercentiles`.
 */
export async function percentilesOf(
  db: Kysely<DatabaseSchema>,
  dialect: StorageDialect,
  source: (bucket: RawBuilder<number>) => RawBuilder<unknown>,
  bucket: RawBuilder<number>,
  options: {
    /** Rows per bucket key when the caller already counted them (SQLite then skips counting). */
    counts?: ReadonlyMap<number, number>;
    /** SQLite: rank the overall values through a histogram (cheaper when values repeat). */
    histogram?: boolean;
  } = {},
): Promise<PercentileSeries> {
  if (dialect === 'postgres') {
    const rows = await sql<{
      bucket: number | null;
      n: number;
      p50: number;
      p95: number;
      p99: number;
    }>`
      select bucket, count(*)::int as n,
        percentile_cont(0.5) within group (order by v) as p50,
        percentile_cont(0.95) within group (order by v) as p95,
        percentile_cont(0.99) within group (order by v) as p99
      from (${source(bucket)}) x group by grouping sets ((bucket), ())`.execute(db);
    const byBucket = new Map<number, Percentiles>();
    let overall = emptyPercentiles;
    for (const row of rows.rows) {
      const value = {
        count: Number(row.n),
        p50: Number(row.p50),
        p95: Number(row.p95),
        p99: Number(row.p99),
      };
      if (row.bucket === null) overall = value;
      else byBucket.set(Number(row.bucket), value);
    }
    return { byBucket, overall };
  }
  const perBucket = options.counts ?? (await countByBucket(db, source(bucket)));
  let total = 0;
  for (const n of perBucket.values()) total += n;
  const byBucket = await sqlitePercentiles(db, source(bucket), perBucket, false);
  const overall = await sqlitePercentiles(
    db,
    source(sql<number>`0`),
    new Map([[0, total]]),
    options.histogram === true,
  );
  return { byBucket, overall: overall.get(0) ?? emptyPercentiles };
}

/** Rows of `source` per bucket key. */
export async function countByBucket(
  db: Kysely<DatabaseSchema>,
  source: RawBuilder<unknown>,
): Promise<Map<number, number>> {
  const rows = await sql<{ bucket: number; n: number }>`
    select bucket, count(*) as n from (${source}) x group by bucket`.execute(db);
  return new Map(rows.rows.map((row) => [Number(row.bucket), Number(row.n)]));
}

/**
 * SQLite: from the rows per bucket (one cheap grouped count), the global positions of the rows
 * straddling each percentile's rank in `(bucket, v)` order are computed here; then a single sort
 * numbers the rows in that order and only those positions are returned. The interpolation
 * between the two rows of each rank is percentile_cont's.
 */
async function sqlitePercentiles(
  db: Kysely<DatabaseSchema>,
  source: RawBuilder<unknown>,
  counts: ReadonlyMap<number, number>,
  histogram: boolean,
): Promise<PercentileRows> {
  const plans: {
    bucket: number;
    n: number;
    ranks: { low: number; high: number; rank: number }[];
  }[] = [];
  const positions = new Set<number>();
  let before = 0;
  // Buckets in the sort's order (bucket keys are integers, which both sides order alike).
  for (const [bucket, n] of [...counts].sort(([a], [b]) => a - b)) {
    if (n === 0) continue;
    const ranks = quantiles.map((q) => {
      const rank = q * (n - 1);
      // 1-based global positions of the rows at floor(rank) and ceil(rank) within this bucket.
      const low = before + Math.floor(rank) + 1;
      const high = before + Math.ceil(rank) + 1;
      positions.add(low);
      positions.add(high);
      return { low, high, rank };
    });
    plans.push({ bucket, n, ranks });
    before += n;
  }
  const result = new Map<number, Percentiles>();
  if (positions.size === 0) return result;
  const values = histogram
    ? await pickFromHistogram(db, source, positions)
    : await pickRows(db, source, positions);
  for (const plan of plans) {
    const [p50, p95, p99] = plan.ranks.map(({ low, high, rank }) => {
      const lowValue = values.get(low) ?? Number.NaN;
      const highValue = values.get(high) ?? Number.NaN;
      return lowValue + (highValue - lowValue) * (rank - Math.floor(rank));
    }) as [number, number, number];
    result.set(plan.bucket, { count: plan.n, p50, p95, p99 });
  }
  return result;
}

/** The values at 1-based `positions` of `source` sorted by (bucket, v): one sort, numbered. */
async function pickRows(
  db: Kysely<DatabaseSchema>,
  source: RawBuilder<unknown>,
  positions: ReadonlySet<number>,
): Promise<Map<number, number>> {
  const picked = await sql<{ position: number; v: number }>`
    select position, v from (
      select v, row_number() over (order by bucket, v) as position from (${source}) x
    ) ranked where position in (${sql.join([...positions])})`.execute(db);
  return new Map(picked.rows.map((row) => [Number(row.position), Number(row.v)]));
}

/**
 * The same for one bucket, through a histogram: rows grouped by value with running counts, so
 * repeated values (latencies in whole milliseconds) are ranked once. A position p falls in the
 * value whose running count first reaches p. The `limit -1` keeps the source a subquery of its
 * own (SQLite does not flatten a LIMITed subquery into an aggregate), so an indexed expression
 * such as the time to first token is read from its index instead of recomputed per row.
 */
async function pickFromHistogram(
  db: Kysely<DatabaseSchema>,
  source: RawBuilder<unknown>,
  positions: ReadonlySet<number>,
): Promise<Map<number, number>> {
  const wanted = [...positions];
  const rows = await sql<{ v: number; below: number; upto: number }>`
    select v, upto - c as below, upto from (
      select v, c, sum(c) over (order by v rows unbounded preceding) as upto
      from (select v, count(*) as c from (select v from (${source}) y limit -1) x group by v) histogram
    ) running
    where ${sql.join(
      wanted.map((position) => sql`(upto - c < ${position} and upto >= ${position})`),
      sql` or `,
    )}`.execute(db);
  const values = new Map<number, number>();
  for (const position of wanted) {
    const row = rows.rows.find(
      (entry) => Number(entry.below) < position && Number(entry.upto) >= position,
    );
    if (row) values.set(position, Number(row.v));
  }
  return values;
}

/** Percentiles of a bucket that had no rows. */
export const emptyPercentiles: Percentiles = { count: 0, p50: null, p95: null, p99: null };
