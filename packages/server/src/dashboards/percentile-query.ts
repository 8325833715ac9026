import type { Percentiles } from '@cairn/spec';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseSchema, StorageDialect } from '../storage/index.js';

const quantiles = [0.5, 0.95, 0.99] as const;

/** Percentiles of one group key (a bucket key, or 0 for the whole range). */
export type PercentileRows = Map<number, Percentiles>;

/**
 * Exact p50/p95/p99 of `v` per `bucket`, where `source` is a query selecting those two columns.
 * PostgreSQL has percentile_cont. SQLite has none, so each row is ranked within its bucket by a
 * window function and only the (at most two) rows straddling each percentile's rank are kept;
 * the interpolation between them, the same as percentile_cont's, is done here per bucket.
 */
export async function percentilesByBucket(
  db: Kysely<DatabaseSchema>,
  dialect: StorageDialect,
  source: RawBuilder<unknown>,
): Promise<PercentileRows> {
  const result = new Map<number, Percentiles>();
  if (dialect === 'postgres') {
    const rows = await sql<{ bucket: number; n: number; p50: number; p95: number; p99: number }>`
      select bucket, count(*)::int as n,
        percentile_cont(0.5) within group (order by v) as p50,
        percentile_cont(0.95) within group (order by v) as p95,
        percentile_cont(0.99) within group (order by v) as p99
      from (${source}) x group by bucket`.execute(db);
    for (const row of rows.rows) {
      result.set(Number(row.bucket), {
        count: Number(row.n),
        p50: Number(row.p50),
        p95: Number(row.p95),
        p99: Number(row.p99),
      });
    }
    return result;
  }
  // For each quantile q: lo = floor(q(n-1)), hi = ceil(q(n-1)) (0-based ranks; rn is 1-based).
  const picks = quantiles.map((q, index) => {
    const rank = sql`${sql.lit(q)} * (n - 1)`;
    const lo = sql`cast(${rank} as integer)`;
    return sql`max(case when rn = ${lo} + 1 then v end) as ${sql.raw(`lo${index}`)},
      max(case when rn = ${lo} + 1 + (${rank} > ${lo}) then v end) as ${sql.raw(`hi${index}`)}`;
  });
  const rows = await sql<Record<string, number>>`
    select bucket, n, ${sql.join(picks)}
    from (select bucket, v, row_number() over (partition by bucket order by v) as rn,
            count(*) over (partition by bucket) as n
          from (${source}) x) ranked
    where ${sql.join(
      quantiles.map((q) => {
        const rank = sql`${sql.lit(q)} * (n - 1)`;
        return sql`rn between cast(${rank} as integer) + 1 and cast(${rank} as integer) + 2`;
      }),
      sql` or `,
    )}
    group by bucket, n`.execute(db);
  for (const row of rows.rows) {
    const n = Number(row.n);
    const [p50, p95, p99] = quantiles.map((q, index) => {
      const rank = q * (n - 1);
      const low = Number(row[`lo${index}`]);
      const high = Number(row[`hi${index}`]);
      return low + (high - low) * (rank - Math.floor(rank));
    }) as [number, number, number];
    result.set(Number(row.bucket), { count: n, p50, p95, p99 });
  }
  return result;
}

/** Percentiles of a bucket that had no rows. */
export const emptyPercentiles: Percentiles = { count: 0, p50: null, p95: null, p99: null };
