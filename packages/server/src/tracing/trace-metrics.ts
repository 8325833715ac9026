import { type RawBuilder, sql } from 'kysely';
import type { Storage, StorageDialect } from '../storage/index.js';
import { decodeOffsetToken, encodeOffsetToken } from './page-token.js';
import { parseTraceFilter, type TraceClause } from './trace-filter.js';
import { metricViews, timeBucketDimension } from './trace-metrics-catalog.js';
import { aggregationLabel, type TraceMetricsQuery } from './trace-metrics-request.js';
import { assessmentClauseSql, spanClauseSql, traceClauseSql } from './trace-search.js';

/** One group's aggregated values, as MLflow's MetricDataPoint. */
export interface MetricDataPoint {
  metric_name: string;
  dimensions: Record<string, string>;
  values: Record<string, number>;
}

/** One page of data points, in dimension order (time bucket first). */
export interface TraceMetricsPage {
  data_points: MetricDataPoint[];
  next_page_token?: string;
}

type Row = Record<string, unknown>;

/** A group-by column of the query: its name in the answer and its SQL over the view's rows. */
interface Dimension {
  name: string;
  expression: RawBuilder<unknown>;
  /** The time bucket: a number of epoch milliseconds, written back as ISO 8601. */
  isTime: boolean;
}

/**
 * Aggregates a metric of traces, spans or assessments per group of dimensions (and per time
 * bucket when an interval is given), in one parameterised query per backend. Groups are the
 * rows of a subquery (`d0…dn` the dimensions, `v` the metric's value), so both backends group
 * by plain column names. PostgreSQL computes percentiles with percentile_cont; SQLite has none,
 * so each row is numbered within its group and the two rows around each percentile's rank are
 * picked, then interpolated here exactly as percentile_cont does.
 */
export async function queryTraceMetrics(
  storage: Storage,
  query: TraceMetricsQuery,
): Promise<TraceMetricsPage> {
  const { dialect } = storage;
  const offset = decodeOffsetToken(query.pageToken);
  const dimensions = dimensionsOf(query, dialect);
  const aliases = dimensions.map((_, index) => sql.ref(`d${index}`));
  const windowed =
    dialect === 'sqlite' && query.aggregations.some((entry) => entry.type === 'PERCENTILE');
  const partition = aliases.length > 0 ? sql`partition by ${sql.join(aliases)}` : sql``;
  const rows = windowed
    ? sql`select *, row_number() over (${partition} order by v) as position,
        count(*) over (${partition}) as n
        from (${sourceSql(query, dimensions, dialect)}) x where v is not null`
    : sql`select * from (${sourceSql(query, dimensions, dialect)}) x where v is not null`;
  const selected = [
    ...aliases,
    ...query.aggregations.flatMap((aggregation, index) =>
      aggregationSql(aggregation.type, index, aggregation.percentile, dialect),
    ),
  ];
  const ordering = dimensions.map((dimension, index) => {
    const alias = aliases[index]!;
    // NULLs last and text in byte order on both backends, so pages line up across them.
    const ordered = dimension.isTime || dialect === 'sqlite' ? alias : sql`${alias} collate "C"`;
    return sql`(${alias} is null), ${ordered}`;
  });
  const result = await sql<Row>`select ${sql.join(selected)} from (${rows}) y
    ${aliases.length > 0 ? sql`group by ${sql.join(aliases)} order by ${sql.join(ordering)}` : sql``}
    limit ${query.maxResults + 1} offset ${offset}`.execute(storage.db);

  const more = result.rows.length > query.maxResults;
  const page = more ? result.rows.slice(0, query.maxResults) : result.rows;
  return {
    data_points: page.flatMap((row) => dataPointOf(row, query, dimensions, windowed)),
    ...(more ? { next_page_token: encodeOffsetToken(offset + query.maxResults) } : {}),
  };
}

/** The time bucket (when an interval is given) and then the asked dimensions, in order. */
function dimensionsOf(query: TraceMetricsQuery, dialect: StorageDialect): Dimension[] {
  const view = metricViews[query.viewType];
  const dimensions: Dimension[] = [];
  if (query.timeIntervalSeconds !== undefined) {
    // Integer division floors: times are non-negative integers on both backends.
    const width = sql`cast(${query.timeIntervalSeconds * 1000} as bigint)`;
    dimensions.push({
      name: timeBucketDimension,
      expression: sql`((${view.timeMs}) / ${width}) * ${width}`,
      isTime: true,
    });
  }
  for (const name of query.dimensions) {
    dimensions.push({ name, expression: view.dimensions[name]!(dialect), isTime: false });
  }
  return dimensions;
}

/** The view's rows in scope (experiments, trace time range, filters) as `d0…dn, v`. */
function sourceSql(
  query: TraceMetricsQuery,
  dimensions: readonly Dimension[],
  dialect: StorageDialect,
): RawBuilder<unknown> {
  const view = metricViews[query.viewType];
  const conditions: RawBuilder<unknown>[] = [
    // Ids that are not numbers name no experiment; PostgreSQL refuses an empty IN list.
    query.experimentIds.length > 0
      ? sql`t.experiment_id in (${sql.join(query.experimentIds)})`
      : sql`1 = 0`,
  ];
  if (query.startTimeMs !== undefined) conditions.push(sql`t.timestamp_ms >= ${query.startTimeMs}`);
  if (query.endTimeMs !== undefined) conditions.push(sql`t.timestamp_ms <= ${query.endTimeMs}`);
  if (view.where) conditions.push(view.where);
  for (const filter of query.filters) {
    for (const clause of parseTraceFilter(filter)) {
      conditions.push(filterSql(clause, query, dialect));
    }
  }
  const columns = [
    ...dimensions.map(
      (dimension, index) => sql`${dimension.expression} as ${sql.ref(`d${index}`)}`,
    ),
    sql`${view.metrics[query.metricName]!.value(dialect)} as v`,
  ];
  return sql`select ${sql.join(columns)} from ${view.from(dialect)}
    where ${sql.join(conditions, sql` and `)}`;
}

/** A result row as a data point; none when no aggregation has a value (MLflow leaves it out). */
function dataPointOf(
  row: Row,
  query: TraceMetricsQuery,
  dimensions: readonly Dimension[],
  windowed: boolean,
): MetricDataPoint[] {
  const values: Record<string, number> = {};
  query.aggregations.forEach((aggregation, index) => {
    const value =
      aggregation.type === 'PERCENTILE' && windowed
        ? interpolated(row, index, aggregation.percentile! / 100)
        : numberOrNull(row[`a${index}`]);
    if (value !== null) values[aggregationLabel(aggregation)] = value;
  });
  if (Object.keys(values).length === 0) return [];
  const pointDimensions: Record<string, string> = {};
  dimensions.forEach((dimension, index) => {
    const value = row[`d${index}`];
    // A missing value (a span without a model) is a group of its own, without the key.
    if (value === null || value === undefined) return;
    pointDimensions[dimension.name] = dimension.isTime ? isoTime(Number(value)) : String(value);
  });
  return [{ metric_name: query.metricName, dimensions: pointDimensions, values }];
}

/**
 * A filter clause over the view's rows. `span.*` clauses in the SPANS view and `assessment.*`
 * clauses in the ASSESSMENTS view select the rows themselves (MLflow's metric filters); every
 * other clause, in any view, selects by the row's trace, as trace search does.
 */
function filterSql(
  clause: TraceClause,
  query: TraceMetricsQuery,
  dialect: StorageDialect,
): RawBuilder<unknown> {
  const kind = clause.field.kind;
  if (query.viewType === 'SPANS' && (kind === 'span' || kind === 'spanAttribute')) {
    return spanClauseSql(clause, dialect, 's');
  }
  if (query.viewType === 'ASSESSMENTS' && kind === 'assessment') {
    return assessmentClauseSql(clause, dialect, 'a');
  }
  return traceClauseSql(clause, dialect);
}

/** The select items computing aggregation `index`; SQLite percentiles pick two rows and n. */
function aggregationSql(
  type: TraceMetricsQuery['aggregations'][number]['type'],
  index: number,
  percentile: number | undefined,
  dialect: StorageDialect,
): RawBuilder<unknown>[] {
  const alias = sql.ref(`a${index}`);
  switch (type) {
    case 'COUNT':
      return [sql`count(v) as ${alias}`];
    case 'SUM':
      return [sql`sum(v) as ${alias}`];
    case 'AVG':
      return [sql`avg(v) as ${alias}`];
    case 'MIN':
      return [sql`min(v) as ${alias}`];
    case 'MAX':
      return [sql`max(v) as ${alias}`];
    case 'PERCENTILE': {
      const fraction = percentile! / 100;
      if (dialect === 'postgres') {
        return [
          sql`percentile_cont(cast(${fraction} as double precision)) within group (order by v) as ${alias}`,
        ];
      }
      // 1-based positions of the rows at floor and ceil of the rank fraction × (n - 1).
      const rank = sql`(cast(${fraction} as real) * (n - 1))`;
      const low = sql`(cast(${rank} as integer) + 1)`;
      const high = sql`(${low} + (case when ${rank} > cast(${rank} as integer) then 1 else 0 end))`;
      return [
        sql`max(case when position = ${low} then v end) as ${sql.ref(`a${index}_low`)}`,
        sql`max(case when position = ${high} then v end) as ${sql.ref(`a${index}_high`)}`,
        sql`max(n) as ${sql.ref(`a${index}_n`)}`,
      ];
    }
  }
}

/** percentile_cont's linear interpolation between the two rows SQLite picked. */
function interpolated(row: Row, index: number, fraction: number): number | null {
  const low = numberOrNull(row[`a${index}_low`]);
  const high = numberOrNull(row[`a${index}_high`]);
  const count = numberOrNull(row[`a${index}_n`]);
  if (low === null || high === null || count === null) return null;
  const rank = fraction * (count - 1);
  return low + (high - low) * (rank - Math.floor(rank));
}

/** A value as read back (PostgreSQL returns numeric and bigint aggregates as text). */
function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isNaN(number) ? null : number;
}

/** A bucket start as MLflow writes it: ISO 8601 in UTC with a `+00:00` offset. */
function isoTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.000Z$/, '+00:00')
    .replace(/Z$/, '+00:00');
}
