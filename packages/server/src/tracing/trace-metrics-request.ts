import { invalidParameter } from '../errors.js';
import type { RequestInput } from '../http/mlflow-route.js';
import { invalidParameterType, missingParameter, RequestFields } from '../http/request-fields.js';
import {
  type AggregationType,
  aggregationTypes,
  type MetricViewType,
  metricViews,
  metricViewTypes,
  timeBucketDimension,
} from './trace-metrics-catalog.js';

/** One aggregation asked for; `percentile` (0–100) only with PERCENTILE. */
export interface MetricAggregation {
  type: AggregationType;
  percentile?: number;
}

/** A validated QueryTraceMetrics request. */
export interface TraceMetricsQuery {
  experimentIds: number[];
  viewType: MetricViewType;
  metricName: string;
  aggregations: MetricAggregation[];
  dimensions: string[];
  /** Trace filter strings, each its own AND-joined list of clauses; all must hold. */
  filters: string[];
  timeIntervalSeconds?: number;
  startTimeMs?: number;
  endTimeMs?: number;
  maxResults: number;
  pageToken?: string;
}

const defaultMaxResults = 1000;
/** Larger pages are served this many points at a time, with a next_page_token. */
const maxPageSize = 10000;

/**
 * Reads MLflow's QueryTraceMetrics request (`POST /api/3.0/mlflow/traces/metrics`): enums by
 * name or proto number, and every name checked against the view's catalogue, so a typo is a 400
 * that lists what is valid rather than an empty chart.
 */
export function parseTraceMetricsRequest(input: RequestInput): TraceMetricsQuery {
  const fields = new RequestFields(input);
  const experimentIds = fields.stringList('experiment_ids');
  if (experimentIds.length === 0) throw missingParameter('experiment_ids');
  if (!fields.has('view_type')) throw missingParameter('view_type');
  const viewType = enumValue(input.view_type, 'view_type', metricViewTypes);
  const view = metricViews[viewType];

  const metricName = fields.requiredString('metric_name');
  const metric = view.metrics[metricName];
  if (!metric) {
    throw invalidParameter(
      `metric_name must be one of ${list(Object.keys(view.metrics))} for view_type ${viewType}, got '${metricName}'.`,
    );
  }

  const aggregationFields = fields.objectList('aggregations');
  if (aggregationFields.length === 0) throw missingParameter('aggregations');
  const aggregations = aggregationFields.map((aggregation, index) => {
    const raw = (input.aggregations as Record<string, unknown>[])[index]!;
    if (raw.aggregation_type === undefined || raw.aggregation_type === null) {
      throw missingParameter('aggregations.aggregation_type');
    }
    const type = enumValue(raw.aggregation_type, 'aggregation_type', aggregationTypes);
    if (!metric.aggregations.includes(type)) {
      throw invalidParameter(
        `aggregation_type ${type} is not supported for metric '${metricName}'; supported aggregation types: ${list(metric.aggregations)}.`,
      );
    }
    const hasPercentile = aggregation.has('percentile_value');
    if (type !== 'PERCENTILE') {
      if (hasPercentile) {
        throw invalidParameter(
          `percentile_value is only allowed with aggregation_type PERCENTILE, got ${type}.`,
        );
      }
      return { type };
    }
    if (!hasPercentile) {
      throw invalidParameter('percentile_value is required for aggregation_type PERCENTILE.');
    }
    const percentile = aggregation.requiredDouble('percentile_value');
    if (!(percentile >= 0 && percentile <= 100)) {
      throw invalidParameter(`percentile_value must be between 0 and 100, got ${percentile}.`);
    }
    return { type, percentile };
  });

  const dimensions = fields.stringList('dimensions');
  const validDimensions = Object.keys(view.dimensions);
  for (const dimension of dimensions) {
    if (!validDimensions.includes(dimension)) {
      const hint =
        dimension === timeBucketDimension ? ' (set time_interval_seconds for time buckets)' : '';
      throw invalidParameter(
        `dimension '${dimension}' is not supported for view_type ${viewType}${hint}; supported dimensions: ${list(validDimensions)}.`,
      );
    }
  }

  const timeIntervalSeconds = fields.optionalInteger('time_interval_seconds');
  const startTimeMs = fields.optionalInteger('start_time_ms');
  const endTimeMs = fields.optionalInteger('end_time_ms');
  if (timeIntervalSeconds !== undefined) {
    if (timeIntervalSeconds <= 0) {
      throw invalidParameter(
        `time_interval_seconds must be a positive integer, got ${timeIntervalSeconds}.`,
      );
    }
    if (startTimeMs === undefined || endTimeMs === undefined) {
      throw invalidParameter(
        'start_time_ms and end_time_ms are required if time_interval_seconds is set.',
      );
    }
  }
  if (startTimeMs !== undefined && endTimeMs !== undefined && startTimeMs > endTimeMs) {
    throw invalidParameter(
      `start_time_ms (${startTimeMs}) must not be after end_time_ms (${endTimeMs}).`,
    );
  }

  const maxResults = fields.optionalInteger('max_results') ?? defaultMaxResults;
  if (maxResults < 1) {
    throw invalidParameter(`max_results must be a positive integer, got ${maxResults}.`);
  }

  return {
    experimentIds: experimentIds.map(Number).filter(Number.isSafeInteger),
    viewType,
    metricName,
    aggregations: unique(aggregations),
    dimensions: [...new Set(dimensions)],
    filters: fields.stringList('filters').filter((filter) => filter.trim() !== ''),
    timeIntervalSeconds,
    startTimeMs,
    endTimeMs,
    maxResults: Math.min(maxResults, maxPageSize),
    pageToken: fields.optionalString('page_token') || undefined,
  };
}

/**
 * The key an aggregation's result has in a data point's `values`: the type's name, or `P<value>`
 * written as Python writes the float (`P50.0`, `P99.9`), as MLflow answers.
 */
export function aggregationLabel(aggregation: MetricAggregation): string {
  if (aggregation.type !== 'PERCENTILE') return aggregation.type;
  const value = aggregation.percentile!;
  return `P${Number.isInteger(value) ? value.toFixed(1) : String(value)}`;
}

/** An enum given by name (any case) or proto number (1-based), as MLflow's JSON parser takes it. */
function enumValue<T extends string>(value: unknown, field: string, names: readonly T[]): T {
  if (typeof value === 'string') {
    const name = names.find((candidate) => candidate === value.trim().toUpperCase());
    if (name) return name;
    if (/^\d+$/.test(value.trim())) return enumValue(Number(value), field, names);
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= names.length) {
    return names[value - 1]!;
  }
  throw invalidParameterType(field, value, `one of ${list(names)} (or 1 to ${names.length})`);
}

function unique(aggregations: MetricAggregation[]): MetricAggregation[] {
  const byLabel = new Map(
    aggregations.map((aggregation) => [aggregationLabel(aggregation), aggregation]),
  );
  return [...byLabel.values()];
}

function list(names: readonly string[]): string {
  return `[${names.map((name) => `'${name}'`).join(', ')}]`;
}
