import type { DashboardBucket } from '@cairn/spec';
import { invalidParameter } from '../errors.js';
import type { RequestInput } from '../http/mlflow-route.js';
import { RequestFields } from '../http/request-fields.js';
import { bucketStarts, chooseBucket, maxBuckets } from './time-buckets.js';

/** What a dashboard groups by: a trace metadata key, the model, the experiment, or a trace tag. */
export type GroupBy =
  | { kind: 'user' | 'session' | 'route' | 'model' | 'experiment'; name: string }
  | { kind: 'tag'; key: string; name: string };

/** Filters narrowing the traces (and runs) a dashboard reads. */
export interface DashboardFilters {
  experimentIds: number[];
  route?: string;
  model?: string;
  user?: string;
  session?: string;
  tags: { key: string; value: string }[];
}

/** A parsed, validated dashboard request. */
export interface DashboardRequest {
  startMs: number;
  endMs: number;
  bucket: DashboardBucket;
  /** Start of every bucket overlapping [startMs, endMs), ascending. */
  buckets: number[];
  filters: DashboardFilters;
  groupBy?: GroupBy;
  fields: RequestFields;
}

const defaultRangeMs = 7 * 24 * 3600 * 1000;
const bucketNames = new Set(['auto', 'hour', 'day', 'week', 'month']);
const fixedGroups = new Set(['user', 'session', 'route', 'model', 'experiment']);

/**
 * Reads the parameters shared by every dashboard. `now` is the server clock, used when `end_ms`
 * is absent. Throws INVALID_PARAMETER_VALUE for anything a client got wrong.
 */
export function parseDashboardRequest(
  input: RequestInput,
  now: number,
  options: { groupBy?: boolean } = {},
): DashboardRequest {
  const fields = new RequestFields(input);
  const endMs = fields.optionalInteger('end_ms') ?? now;
  const startMs = fields.optionalInteger('start_ms') ?? endMs - defaultRangeMs;
  if (startMs < 0 || endMs < 0) throw invalidParameter('start_ms and end_ms must not be negative.');
  if (endMs <= startMs) {
    throw invalidParameter(`end_ms (${endMs}) must be after start_ms (${startMs}).`);
  }
  const bucketName = fields.optionalString('bucket') ?? 'auto';
  if (!bucketNames.has(bucketName)) {
    throw invalidParameter(
      `Invalid bucket '${bucketName}'. Use one of auto, hour, day, week, month.`,
    );
  }
  const bucket =
    bucketName === 'auto' ? chooseBucket(endMs - startMs) : (bucketName as DashboardBucket);
  const buckets = bucketStarts(startMs, endMs, bucket);
  if (buckets.length > maxBuckets) {
    throw invalidParameter(
      `The range holds ${buckets.length} ${bucket} buckets; at most ${maxBuckets} are allowed. Use a shorter range or a wider bucket.`,
    );
  }
  const groupByName = fields.optionalString('group_by');
  if (groupByName !== undefined && !options.groupBy) {
    throw invalidParameter('This dashboard does not take group_by.');
  }
  return {
    startMs,
    endMs,
    bucket,
    buckets,
    filters: parseFilters(fields),
    groupBy:
      groupByName === undefined || groupByName === '' ? undefined : parseGroupBy(groupByName),
    fields,
  };
}

function parseFilters(fields: RequestFields): DashboardFilters {
  const experimentIds = fields
    .stringList('experiment_id')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      if (!/^\d{1,15}$/.test(item)) throw invalidParameter(`Invalid experiment_id '${item}'.`);
      return Number(item);
    });
  const tags = fields.stringList('tag').map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) throw invalidParameter(`Invalid tag filter '${item}'. Use key=value.`);
    return { key: item.slice(0, at), value: item.slice(at + 1) };
  });
  const text = (name: string) => {
    const value = fields.optionalString(name);
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    experimentIds,
    route: text('route'),
    model: text('model'),
    user: text('user'),
    session: text('session'),
    tags,
  };
}

function parseGroupBy(name: string): GroupBy {
  if (fixedGroups.has(name)) return { kind: name as 'user', name };
  if (name.startsWith('tag:') && name.length > 4) return { kind: 'tag', key: name.slice(4), name };
  throw invalidParameter(
    `Invalid group_by '${name}'. Use user, session, model, route, experiment or tag:<key>.`,
  );
}
