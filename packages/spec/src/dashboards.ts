/**
 * Dashboard aggregation endpoints (`GET /api/2.0/cairn/dashboards/{performance,cost,usage,quality}`)
 * and the Prometheus metric names the server (and later the gateway) expose. Times are epoch
 * milliseconds; buckets are UTC (weeks start on Monday).
 */

/** A bucket width; `auto` picks hour (≤ 2 days), day (≤ 92 days), week (≤ 2 years) or month. */
export type DashboardBucket = 'hour' | 'day' | 'week' | 'month';

/**
 * Query parameters every dashboard accepts (as a query string; list parameters may repeat).
 * `start_ms` defaults to `end_ms` − 7 days, `end_ms` to now; a range of more than 1,000 buckets,
 * an empty range or an unknown `group_by` answers 400 INVALID_PARAMETER_VALUE.
 */
export interface DashboardQuery {
  start_ms?: number;
  end_ms?: number;
  bucket?: DashboardBucket | 'auto';
  /** Repeatable (or comma-separated). */
  experiment_id?: string | string[];
  /** A gateway route: trace metadata `cairn.gateway.route`. */
  route?: string;
  /** Traces with at least one span of this model. */
  model?: string;
  /** Trace metadata `mlflow.trace.user`. */
  user?: string;
  /** Trace metadata `mlflow.trace.session`. */
  session?: string;
  /** `key=value` on trace tags (runs' tags for quality's metric trends); repeatable, all must match. */
  tag?: string | string[];
  /** Cost and usage: `user`, `session`, `model`, `route`, `experiment` or `tag:<key>` (e.g. `tag:cost_center`). */
  group_by?: string;
}

/** The resolved range every dashboard answers with; `buckets` lists each bucket's start, ascending. */
export interface DashboardRange {
  start_ms: number;
  end_ms: number;
  bucket: DashboardBucket;
  buckets: number[];
}

/** Exact percentiles (linear interpolation, as PostgreSQL's percentile_cont); null when count is 0. */
export interface Percentiles {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Percentiles of one bucket. */
export interface PercentilePoint extends Percentiles {
  bucket_start_ms: number;
}

/** `GET /api/2.0/cairn/dashboards/performance`: trace latency, errors and time to first token. */
export interface PerformanceDashboard extends DashboardRange {
  /** Execution time (ms) of finished traces; every bucket is present (count 0 when empty). */
  latency: { overall: Percentiles; series: PercentilePoint[] };
  errors: {
    total: number;
    errors: number;
    /** errors / total, 0 when there are no traces. */
    error_rate: number;
    series: { bucket_start_ms: number; total: number; errors: number; error_rate: number }[];
    /** By the root span's `exception` event `exception.type` (`UNKNOWN` when absent), most first. */
    by_type: { error_type: string; count: number; share: number }[];
  };
  /** Span attribute `cairn.llm.timeToFirstTokenMs` of LLM/CHAT_MODEL spans, by span start. */
  ttft: { overall: Percentiles; series: PercentilePoint[] };
}

/** Spend and token totals of a bucket or group. */
export interface CostTotals {
  cost: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  traces: number;
}

/** `GET /api/2.0/cairn/dashboards/cost` (defaults `group_by=model`). */
export interface CostDashboard extends DashboardRange {
  totals: CostTotals;
  series: (CostTotals & { bucket_start_ms: number })[];
  group_by: string;
  /** Top 50 groups by cost; traces without the grouping key fall in key `null`. */
  groups: (CostTotals & { key: string | null })[];
  /** Per-bucket cost of the top 10 groups (zero-filled, one value per bucket). */
  group_series: { key: string | null; cost: number[] }[];
  /** Linear forecast of the UTC month containing `end_ms`; see cost-forecast docs in the README. */
  forecast: CostForecast;
}

/**
 * Least-squares line through daily spend (complete UTC days within the 30 days before `end_ms`,
 * clipped to `start_ms`), day i's spend placed at x = i + 0.5; the remaining month is the line's
 * integral from `end_ms` to month end (never below 0), added to the month's spend so far.
 */
export interface CostForecast {
  month_start_ms: number;
  month_end_ms: number;
  month_to_date: number;
  /** Start of the first fitted day: x = 0 of the line. */
  fit_start_ms: number;
  /** Days the line was fitted on; with fewer than 2 the line is flat at their mean (0 with none). */
  fit_days: number;
  /** The line: spend per day at x = 0 (`fit_start_ms`), and its change per day. */
  daily_intercept: number;
  daily_slope: number;
  projected_remaining: number;
  projected_month_total: number;
  /** Predicted spend of each whole remaining day of the month. */
  points: { day_start_ms: number; cost: number }[];
}

/** `GET /api/2.0/cairn/dashboards/usage`. */
export interface UsageDashboard extends DashboardRange {
  totals: { requests: number; users: number; sessions: number };
  series: { bucket_start_ms: number; requests: number; users: number; sessions: number }[];
  /** Top 20 request previews (first 200 characters) by count. */
  top_queries: { query: string; count: number; last_ms: number }[];
  /** TOOL spans by name, most used first (top 50); durations in ms. */
  tools: { name: string; calls: number; errors: number; avg_duration_ms: number | null }[];
  /** Requests per group, when `group_by` is given (top 50). */
  group_by: string | null;
  groups: { key: string | null; requests: number }[];
}

/** `GET /api/2.0/cairn/dashboards/quality`; extra params `metric` (repeatable) and `toxicity_threshold` (default 0.5). */
export interface QualityDashboard extends DashboardRange {
  /**
   * Run metrics (latest value per run) of active runs by run start time (top 20 keys by runs); by
   * default keys ending in `/mean`, and keys without `/` naming accuracy, faithfulness, toxicity,
   * relevance or correctness.
   */
  metric_trends: {
    key: string;
    points: { bucket_start_ms: number; runs: number; mean: number }[];
  }[];
  /** HUMAN-sourced feedback assessments on traces in scope, by name. */
  feedback: {
    name: string;
    total: number;
    /** true/yes/👍 (or numbers ≥ 0.5) count positive. */
    positive: number;
    negative: number;
    positive_ratio: number;
    series: { bucket_start_ms: number; positive: number; negative: number }[];
  }[];
  /** Assessments and run metrics whose name contains `toxicity` with value > threshold (newest 100). */
  toxicity: {
    threshold: number;
    count: number;
    series: { bucket_start_ms: number; count: number }[];
    alerts: {
      source: 'assessment' | 'metric';
      name: string;
      value: number;
      time_ms: number;
      trace_id: string | null;
      run_id: string | null;
    }[];
  };
  /** Judge (LLM_JUDGE or CODE) scores named like faithfulness/groundedness/hallucination. */
  judges: {
    name: string;
    count: number;
    mean: number;
    /** Share of scores below 0.5 (for `hallucination*` names: at or above 0.5). */
    flagged_ratio: number;
    /** `mean` is null in buckets without scores. */
    series: { bucket_start_ms: number; count: number; mean: number | null }[];
  }[];
}

/** Trace metadata key the gateway writes the route name into. */
export const gatewayRouteMetadataKey = 'cairn.gateway.route';

/** Prometheus metric names shared by the server and the gateway. */
export const prometheusMetricNames = {
  httpRequests: 'cairn_http_requests_total',
  httpRequestDuration: 'cairn_http_request_duration_seconds',
  ingested: 'cairn_ingested_total',
  /** Gauges read from the trace store on scrape: all-time totals per model, route and status. */
  traceTokens: 'cairn_trace_tokens',
  traceCost: 'cairn_trace_cost_usd',
  traces: 'cairn_traces',
} as const;
