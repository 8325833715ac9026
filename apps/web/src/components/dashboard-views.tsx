import type {
  CostDashboard,
  PerformanceDashboard,
  QualityDashboard,
  UsageDashboard,
} from '@cairn/spec';
import type { ReactNode } from 'react';
import { formatCost, formatDuration, formatNumber, formatTime } from '../lib/format';
import { LineChart, type Series } from './line-chart';
import { Stat } from './llm-call-view';
import { Empty } from './states';

const seconds = (buckets: number[]) => buckets.map((start) => start / 1000);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

function Totals({ children }: { children: ReactNode }) {
  return (
    <div className="row panel" style={{ gap: 28, marginBottom: 14 }} data-testid="dashboard-totals">
      {children}
    </div>
  );
}

function Chart({ title, series }: { title: string; series: Series[] }) {
  return (
    <div className="panel">
      <LineChart title={title} series={series} time height={200} />
    </div>
  );
}

function Table({ title, head, rows }: { title: string; head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="panel" style={{ overflow: 'auto' }}>
      <div className="chart-title">{title}</div>
      {rows.length === 0 ? (
        <div className="muted">Nothing in this range.</div>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              {head.map((cell) => (
                <th key={cell}>{cell}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: aggregate rows have no identity.
              <tr key={index}>
                {row.map((cell, column) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional.
                  <td key={column}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Latency percentiles, error rate and types, time to first token. */
export function PerformanceView({ data }: { data: PerformanceDashboard }) {
  const x = seconds(data.latency.series.map((point) => point.bucket_start_ms));
  const line = (label: string, values: (number | null)[]) => ({
    label,
    x,
    y: values.map((value) => value ?? Number.NaN),
  });
  return (
    <>
      <Totals>
        <Stat label="traces" value={formatNumber(data.errors.total)} />
        <Stat label="latency p50" value={formatDuration(data.latency.overall.p50)} />
        <Stat label="latency p95" value={formatDuration(data.latency.overall.p95)} />
        <Stat label="latency p99" value={formatDuration(data.latency.overall.p99)} />
        <Stat label="errors" value={formatNumber(data.errors.errors)} />
        <Stat label="error rate" value={percent(data.errors.error_rate)} />
        <Stat label="TTFT p50" value={formatDuration(data.ttft.overall.p50)} />
      </Totals>
      <div className="grid-2">
        <Chart
          title="Latency (ms)"
          series={[
            line(
              'p50',
              data.latency.series.map((point) => point.p50),
            ),
            line(
              'p95',
              data.latency.series.map((point) => point.p95),
            ),
            line(
              'p99',
              data.latency.series.map((point) => point.p99),
            ),
          ]}
        />
        <Chart
          title="Error rate"
          series={[
            line(
              'error rate',
              data.errors.series.map((point) => point.error_rate),
            ),
          ]}
        />
        <Chart
          title="Time to first token (ms)"
          series={[
            line(
              'p50',
              data.ttft.series.map((point) => point.p50),
            ),
            line(
              'p95',
              data.ttft.series.map((point) => point.p95),
            ),
          ]}
        />
        <Table
          title="Errors by type"
          head={['Type', 'Count', 'Share']}
          rows={data.errors.by_type.map((item) => [
            item.error_type,
            formatNumber(item.count),
            percent(item.share),
          ])}
        />
      </div>
    </>
  );
}

/** Spend over time, by group, and the month-end forecast. */
export function CostView({ data }: { data: CostDashboard }) {
  const x = seconds(data.series.map((point) => point.bucket_start_ms));
  return (
    <>
      <Totals>
        <Stat label="spend" value={formatCost(data.totals.cost)} />
        <Stat label="traces" value={formatNumber(data.totals.traces)} />
        <Stat label="total tokens" value={formatNumber(data.totals.total_tokens)} />
        <Stat label="input tokens" value={formatNumber(data.totals.input_tokens)} />
        <Stat label="output tokens" value={formatNumber(data.totals.output_tokens)} />
        <Stat label="month to date" value={formatCost(data.forecast.month_to_date)} />
        <Stat
          label="forecast month total"
          value={formatCost(data.forecast.projected_month_total)}
        />
      </Totals>
      <div className="grid-2">
        <Chart
          title={`Spend per ${data.bucket} (USD)`}
          series={[{ label: 'cost', x, y: data.series.map((point) => point.cost) }]}
        />
        <Chart
          title={`Spend by ${data.group_by}`}
          series={data.group_series.map((group) => ({
            label: group.key ?? '(none)',
            x,
            y: group.cost,
          }))}
        />
        <Table
          title={`By ${data.group_by}`}
          head={[data.group_by, 'Cost', 'Tokens', 'Traces']}
          rows={data.groups.map((group) => [
            group.key ?? '(none)',
            formatCost(group.cost),
            formatNumber(group.total_tokens),
            formatNumber(group.traces),
          ])}
        />
        <Table
          title="Forecast"
          head={['Fitted days', 'Daily slope', 'Remaining', 'Month total']}
          rows={[
            [
              formatNumber(data.forecast.fit_days),
              formatCost(data.forecast.daily_slope),
              formatCost(data.forecast.projected_remaining),
              formatCost(data.forecast.projected_month_total),
            ],
          ]}
        />
      </div>
    </>
  );
}

/** Requests, users and sessions over time; common queries; tool usage. */
export function UsageView({ data }: { data: UsageDashboard }) {
  const x = seconds(data.series.map((point) => point.bucket_start_ms));
  return (
    <>
      <Totals>
        <Stat label="requests" value={formatNumber(data.totals.requests)} />
        <Stat label="active users" value={formatNumber(data.totals.users)} />
        <Stat label="sessions" value={formatNumber(data.totals.sessions)} />
      </Totals>
      <div className="grid-2">
        <Chart
          title={`Per ${data.bucket}`}
          series={[
            { label: 'requests', x, y: data.series.map((point) => point.requests) },
            { label: 'users', x, y: data.series.map((point) => point.users) },
            { label: 'sessions', x, y: data.series.map((point) => point.sessions) },
          ]}
        />
        <Table
          title="Most common queries"
          head={['Query', 'Count', 'Last seen']}
          rows={data.top_queries.map((item) => [
            item.query,
            formatNumber(item.count),
            formatTime(item.last_ms),
          ])}
        />
        <Table
          title="Tool usage"
          head={['Tool', 'Calls', 'Errors', 'Avg duration']}
          rows={data.tools.map((tool) => [
            tool.name,
            formatNumber(tool.calls),
            formatNumber(tool.errors),
            formatDuration(tool.avg_duration_ms),
          ])}
        />
        {data.group_by && (
          <Table
            title={`Requests by ${data.group_by}`}
            head={[data.group_by, 'Requests']}
            rows={data.groups.map((group) => [group.key ?? '(none)', formatNumber(group.requests)])}
          />
        )}
      </div>
    </>
  );
}

/** Evaluation metric trends, human feedback, toxicity alerts and judge estimates. */
export function QualityView({ data }: { data: QualityDashboard }) {
  const x = seconds(data.buckets);
  const byBucket = (
    points: { bucket_start_ms: number }[],
    value: (point: never) => number | null,
  ) => {
    const map = new Map(points.map((point) => [point.bucket_start_ms, value(point as never)]));
    return data.buckets.map((bucket) => map.get(bucket) ?? Number.NaN);
  };
  const feedbackTotal = data.feedback.reduce((sum, item) => sum + item.total, 0);
  return (
    <>
      <Totals>
        <Stat label="feedback" value={formatNumber(feedbackTotal)} />
        <Stat label="toxicity alerts" value={formatNumber(data.toxicity.count)} />
        <Stat label="judge metrics" value={formatNumber(data.judges.length)} />
        <Stat label="metric trends" value={formatNumber(data.metric_trends.length)} />
      </Totals>
      {data.metric_trends.length === 0 &&
        data.feedback.length === 0 &&
        data.judges.length === 0 && (
          <Empty title="No quality signals in this range">
            Log evaluation runs, judge assessments or feedback.
          </Empty>
        )}
      <div className="grid-2">
        {data.metric_trends.map((trend) => (
          <Chart
            key={trend.key}
            title={trend.key}
            series={[
              {
                label: 'mean',
                x,
                y: byBucket(trend.points, (point: { mean: number }) => point.mean),
              },
            ]}
          />
        ))}
        <Table
          title="Human feedback"
          head={['Name', 'Total', 'Positive', 'Negative', 'Positive ratio']}
          rows={data.feedback.map((item) => [
            item.name,
            formatNumber(item.total),
            formatNumber(item.positive),
            formatNumber(item.negative),
            percent(item.positive_ratio),
          ])}
        />
        <Table
          title="Judges (faithfulness, hallucination)"
          head={['Name', 'Scores', 'Mean', 'Flagged']}
          rows={data.judges.map((judge) => [
            judge.name,
            formatNumber(judge.count),
            formatNumber(judge.mean),
            percent(judge.flagged_ratio),
          ])}
        />
        <Table
          title={`Toxicity above ${data.toxicity.threshold}`}
          head={['Time', 'Name', 'Value', 'Source']}
          rows={data.toxicity.alerts.map((alert) => [
            formatTime(alert.time_ms),
            alert.name,
            formatNumber(alert.value),
            alert.trace_id ?? alert.run_id ?? alert.source,
          ])}
        />
      </div>
    </>
  );
}
