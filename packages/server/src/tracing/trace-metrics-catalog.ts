import { type RawBuilder, sql } from 'kysely';
import type { StorageDialect } from '../storage/index.js';
import { scoreSql } from './assessment-score-sql.js';
import { traceKeyTables } from './trace-key-tables.js';

/** What a metrics query aggregates over: traces, their spans, or their assessments. */
export type MetricViewType = 'TRACES' | 'SPANS' | 'ASSESSMENTS';

/** The view types by proto number (MetricViewType in MLflow's service.proto). */
export const metricViewTypes: readonly MetricViewType[] = ['TRACES', 'SPANS', 'ASSESSMENTS'];

/** An aggregation of a metric's values within one group. */
export type AggregationType = 'COUNT' | 'SUM' | 'AVG' | 'PERCENTILE' | 'MIN' | 'MAX';

/** The aggregation types in proto order (COUNT = 1 … MAX = 6). */
export const aggregationTypes: readonly AggregationType[] = [
  'COUNT',
  'SUM',
  'AVG',
  'PERCENTILE',
  'MIN',
  'MAX',
];

/** SQL of one metric: the value aggregated per row of its view, and the aggregations it takes. */
export interface MetricDefinition {
  value(dialect: StorageDialect): RawBuilder<unknown>;
  aggregations: readonly AggregationType[];
}

/**
 * One view's SQL: the rows it aggregates (`t` is always the row's trace, so the trace filter
 * language applies to every view), the time its buckets use, its metrics and its dimensions.
 */
export interface ViewDefinition {
  from: (dialect: StorageDialect) => RawBuilder<unknown>;
  /** Extra conditions on the view's rows, if any. */
  where?: RawBuilder<unknown>;
  /** The row's time in epoch milliseconds (an integer), for time buckets. */
  timeMs: RawBuilder<unknown>;
  metrics: Readonly<Record<string, MetricDefinition>>;
  dimensions: Readonly<Record<string, (dialect: StorageDialect) => RawBuilder<unknown>>>;
}

/** The dimension a time bucket appears under when `time_interval_seconds` is set. */
export const timeBucketDimension = 'time_bucket';

const counted: readonly AggregationType[] = ['COUNT'];
// MLflow's sets for these metrics, plus MIN and MAX, which its enum names and a chart wants.
const averaged: readonly AggregationType[] = ['AVG', 'PERCENTILE', 'MIN', 'MAX'];
const summed: readonly AggregationType[] = ['SUM', 'AVG', 'PERCENTILE', 'MIN', 'MAX'];

const one = () => sql`1`;

/**
 * A trace's token count, only for traces that recorded usage: MLflow aggregates its per-trace
 * token metric rows, which exist only then, so traces without LLM calls do not pull averages
 * toward zero.
 */
function tokens(column: 'input_tokens' | 'output_tokens' | 'total_tokens'): MetricDefinition {
  return {
    value: () => sql`case when t.total_tokens > 0 then ${sql.ref(`t.${column}`)} end`,
    aggregations: summed,
  };
}

/** A JSON attribute of the span row `s` as text (attribute keys are fixed names here). */
function spanAttribute(dialect: StorageDialect, key: string): RawBuilder<unknown> {
  return dialect === 'sqlite'
    ? sql`json_extract(s.attributes, ${`$."${key}"`})`
    : sql`(s.attributes::json ->> ${key})`;
}

/**
 * A part of the span's `mlflow.llm.cost` attribute (`input_cost`, `output_cost`), when the
 * sender priced the call and the part is a number. Cairn's own pricing keeps only the total.
 */
function spanCostPart(part: 'input_cost' | 'output_cost'): MetricDefinition {
  return {
    value: (dialect) => {
      if (dialect === 'sqlite') {
        const path = `$."mlflow.llm.cost".${part}`;
        return sql`case when json_type(s.attributes, ${path}) in ('integer', 'real')
          then json_extract(s.attributes, ${path}) end`;
      }
      const cost = sql`(s.attributes::json -> 'mlflow.llm.cost' -> ${part})`;
      return sql`case when json_typeof(${cost}) = 'number'
        then (${cost} #>> '{}')::double precision end`;
    },
    aggregations: summed,
  };
}

/** The metrics and dimensions of each view, with MLflow's names. */
export const metricViews: Readonly<Record<MetricViewType, ViewDefinition>> = {
  TRACES: {
    from: () => sql`trace_info t`,
    timeMs: sql`t.timestamp_ms`,
    metrics: {
      trace_count: { value: one, aggregations: counted },
      latency: { value: () => sql`t.execution_time_ms`, aggregations: averaged },
      input_tokens: tokens('input_tokens'),
      output_tokens: tokens('output_tokens'),
      total_tokens: tokens('total_tokens'),
    },
    dimensions: {
      trace_name: () => sql`t.name`,
      trace_status: () => sql`t.status`,
    },
  },
  SPANS: {
    // SQLite's span table by trace key, not the view joining trace_info in a second time.
    from: (dialect) => {
      const { spans, traceColumn, spanTraceColumn } = traceKeyTables(dialect);
      return sql`${sql.table(spans)} s
        join trace_info t on t.${sql.ref(traceColumn)} = s.${sql.ref(spanTraceColumn)}`;
    },
    timeMs: sql`(s.start_time_ns / 1000000)`,
    metrics: {
      span_count: { value: one, aggregations: counted },
      // Whole milliseconds, rounded down, as MLflow's span latency.
      latency: {
        value: () => sql`((s.end_time_ns - s.start_time_ns) / 1000000)`,
        aggregations: averaged,
      },
      input_cost: spanCostPart('input_cost'),
      output_cost: spanCostPart('output_cost'),
      total_cost: { value: () => sql`s.cost`, aggregations: summed },
    },
    dimensions: {
      span_name: () => sql`s.name`,
      span_type: () => sql`s.span_type`,
      span_status: () => sql`s.status`,
      span_model_name: () => sql`s.model`,
      span_model_provider: (dialect) =>
        sql`coalesce(${spanAttribute(dialect, 'mlflow.llm.provider')},
          ${spanAttribute(dialect, 'gen_ai.provider.name')},
          ${spanAttribute(dialect, 'gen_ai.system')})`,
    },
  },
  ASSESSMENTS: {
    from: () => sql`assessments a join trace_info t on t.request_id = a.trace_id`,
    // Overridden or invalidated assessments no longer count, as in trace search.
    where: sql`a.valid = 1`,
    timeMs: sql`a.create_time_ms`,
    metrics: {
      assessment_count: { value: one, aggregations: counted },
      assessment_value: {
        value: (dialect) => scoreSql(dialect, sql`a.value`),
        aggregations: averaged,
      },
    },
    dimensions: {
      assessment_name: () => sql`a.name`,
      assessment_value: () => sql`a.value`,
    },
  },
};
