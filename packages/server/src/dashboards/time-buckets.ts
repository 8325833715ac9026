import type { DashboardBucket } from '@cairn/spec';
import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';

/** Most buckets one answer may hold: bounds the response and the per-bucket work. */
export const maxBuckets = 1000;

const hourMs = 3600 * 1000;
/** One UTC day in milliseconds. */
export const dayMs = 24 * hourMs;
// 1970-01-05, the first Monday after the epoch: weeks start on Monday.
const weekOffsetMs = 4 * dayMs;
const fixedWidths = { hour: hourMs, day: dayMs, week: 7 * dayMs } as const;

/** The bucket `auto` picks for a range: about 24 to a few hundred points on a chart. */
export function chooseBucket(rangeMs: number): DashboardBucket {
  if (rangeMs <= 2 * dayMs) return 'hour';
  if (rangeMs <= 92 * dayMs) return 'day';
  if (rangeMs <= 2 * 366 * dayMs) return 'week';
  return 'month';
}

/** Start of the bucket holding `timeMs` (UTC). */
export function bucketStartOf(timeMs: number, bucket: DashboardBucket): number {
  if (bucket === 'month') {
    const date = new Date(timeMs);
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
  const width = fixedWidths[bucket];
  const offset = bucket === 'week' ? weekOffsetMs : 0;
  return Math.floor((timeMs - offset) / width) * width + offset;
}

/** Start of the bucket after the one starting at `bucketStartMs`. */
export function nextBucketStart(bucketStartMs: number, bucket: DashboardBucket): number {
  if (bucket !== 'month') return bucketStartMs + fixedWidths[bucket];
  const date = new Date(bucketStartMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Starts of every bucket overlapping [startMs, endMs); stops counting past `maxBuckets`. */
export function bucketStarts(startMs: number, endMs: number, bucket: DashboardBucket): number[] {
  const starts: number[] = [];
  for (let at = bucketStartOf(startMs, bucket); at < endMs; at = nextBucketStart(at, bucket)) {
    starts.push(at);
    if (starts.length > maxBuckets) break;
  }
  return starts;
}

/**
 * SQL giving the bucket key of a millisecond column (non-negative integers): the bucket's start
 * in ms for fixed widths (integer division, the same on both backends), `year * 12 + month - 1`
 * for months. `bucketKeyToStart` turns a key back into a start.
 */
export function bucketKeySql(
  dialect: StorageDialect,
  millis: RawBuilder<unknown>,
  bucket: DashboardBucket,
): RawBuilder<number> {
  if (bucket !== 'month') {
    const width = sql.lit(fixedWidths[bucket]);
    if (bucket !== 'week') return sql<number>`((${millis}) / ${width}) * ${width}`;
    const offset = sql.lit(weekOffsetMs);
    return sql<number>`(((${millis}) - ${offset}) / ${width}) * ${width} + ${offset}`;
  }
  if (dialect === 'sqlite') {
    return sql<number>`(cast(strftime('%Y', (${millis}) / 1000, 'unixepoch') as integer) * 12
      + cast(strftime('%m', (${millis}) / 1000, 'unixepoch') as integer) - 1)`;
  }
  return sql<number>`(extract(year from to_timestamp((${millis}) / 1000) at time zone 'UTC') * 12
    + extract(month from to_timestamp((${millis}) / 1000) at time zone 'UTC') - 1)::bigint`;
}

/** The bucket start a key from `bucketKeySql` stands for. */
export function bucketKeyToStart(key: number | string, bucket: DashboardBucket): number {
  const number = Number(key);
  if (bucket !== 'month') return number;
  return Date.UTC(Math.floor(number / 12), number % 12, 1);
}
