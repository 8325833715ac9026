import type { Percentiles } from '@cairn/spec';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseSchema, StorageDialect } from '../storage/index.js';

const quantiles = [0.5, 0.95, 0.99] as const;

/** Percentiles per bucket key. */
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
): Promise<PercentileSeries> {
  if (dialect === 'sqlite') return sqlitePercentiles(db, source(bucket));
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

/**
 * SQLite: one scan hands over each bucket's values as one comma-joined text (group_concat writes
 * integers exactly and reals in round-trip form, so parsing gives back the very same doubles);
 * they are sorted here as a Float64Array per bucket and once more all together for the overall
 * figures. That costs a few bytes of text per value instead of a row per value, and no SQL
 * sort or window at all. The `limit -1` keeps the source a subquery of its own (SQLite does not
 * flatten a LIMITed subquery into an aggregate), so an indexed expression such as the time to
 * first token is read from its index instead of recomputed per row.
 */
async function sqlitePercentiles(
  db: Kysely<DatabaseSchema>,
  source: RawBuilder<unknown>,
): Promise<PercentileSeries> {
  const rows = await sql<{ bucket: number; vs: string }>`
    select bucket, group_concat(v) as vs from (select bucket, v from (${source}) y limit -1) x
    group by bucket`.execute(db);
  return percentilesOfLists(rows.rows);
}

/**
 * Exact percentiles from SQLite `group_concat` texts of values per bucket key (null when a
 * bucket had none): each is sorted as a Float64Array, and all of them once more together for
 * the overall figures.
 */
export function percentilesOfLists(
  rows: readonly { bucket: number; vs: string | null }[],
): PercentileSeries {
  const byBucket = new Map<number, Percentiles>();
  const parts: Float64Array[] = [];
  let total = 0;
  for (const row of rows) {
    if (row.vs === null) continue;
    const values = parseSorted(row.vs);
    byBucket.set(Number(row.bucket), exactPercentiles(values));
    parts.push(values);
    total += values.length;
  }
  const all = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  all.sort();
  return { byBucket, overall: exactPercentiles(all) };
}

/**
 * The numbers of a group_concat text, ascending. Whole numbers of up to 15 digits (latencies in
 * ms) are read digit by digit, exactly, without a string per value; any other token goes
 * through Number().
 */
function parseSorted(text: string): Float64Array {
  let count = 1;
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 44) count++;
  const values = new Float64Array(count);
  let start = 0;
  for (let slot = 0; slot < count; slot++) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    let value = 0;
    let plain = end > start && end - start <= 15;
    for (let index = start; plain && index < end; index++) {
      const digit = text.charCodeAt(index) - 48;
      if (digit < 0 || digit > 9) plain = false;
      else value = value * 10 + digit;
    }
    values[slot] = plain ? value : Number(text.slice(start, end));
    start = end + 1;
  }
  values.sort();
  return values;
}

/** p50/p95/p99 of ascending `values`, interpolated between neighbours as percentile_cont does. */
function exactPercentiles(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) return emptyPercentiles;
  const [p50, p95, p99] = quantiles.map((q) => {
    const rank = q * (n - 1);
    const low = values[Math.floor(rank)]!;
    const high = values[Math.ceil(rank)]!;
    return low + (high - low) * (rank - Math.floor(rank));
  }) as [number, number, number];
  return { count: n, p50, p95, p99 };
}

/** Percentiles of a bucket that had no rows. */
export const emptyPercentiles: Percentiles = { count: 0, p50: null, p95: null, p99: null };
