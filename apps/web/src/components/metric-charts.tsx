import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Metric } from '../api/types';
import { bulkHistory } from '../lib/metric-history';
import { useApi } from '../lib/use-api';
import { LineChart, type Series, smooth } from './line-chart';
import { Async, Empty } from './states';

/**
 * Charts of metrics for one or more runs (overlaid), with x-axis (step, wall time, relative
 * time), smoothing and log scale kept in the URL.
 */
export function MetricCharts({
  runs,
  keys,
}: {
  runs: { id: string; name: string; startTime?: number }[];
  keys: string[];
}) {
  const [params, setParams] = useSearchParams();
  const xAxis = params.get('x') ?? 'step';
  const smoothing = Number(params.get('smooth') ?? '0');
  const logScale = params.get('log') === '1';
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const runIds = runs.map((run) => run.id);
  const [filter, setFilter] = useState('');
  const shown = keys.filter((key) => key.toLowerCase().includes(filter.toLowerCase()));
  const histories = useApi(async () => {
    const entries = await Promise.all(
      keys.map(async (key) => [key, await bulkHistory(runIds, key)] as const),
    );
    return new Map(entries);
  }, [runIds.join(','), keys.join('\n')]);

  if (keys.length === 0)
    return <Empty title="No metrics logged">This run has no metrics to chart.</Empty>;
  return (
    <div>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter metrics"
          aria-label="Filter metrics"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <label className="row">
          X axis
          <select
            aria-label="X axis"
            value={xAxis}
            onChange={(event) => set('x', event.target.value)}
          >
            <option value="step">Step</option>
            <option value="time">Wall time</option>
            <option value="relative">Relative time (s)</option>
          </select>
        </label>
        <label className="row">
          Smoothing
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            aria-label="Smoothing"
            onChange={(event) =>
              set('smooth', event.target.value === '0' ? null : event.target.value)
            }
          />
          <span className="mono" style={{ width: 32 }}>
            {smoothing.toFixed(2)}
          </span>
        </label>
        <label className="row">
          <input
            type="checkbox"
            checked={logScale}
            onChange={(event) => set('log', event.target.checked ? '1' : null)}
          />
          Log scale
        </label>
      </div>
      <Async state={histories}>
        {(data) => (
          <div className="grid-2">
            {shown.map((key) => (
              <ChartFor
                key={key}
                metricKey={key}
                points={data.get(key) ?? []}
                runs={runs}
                xAxis={xAxis}
                smoothing={smoothing}
                logScale={logScale}
              />
            ))}
          </div>
        )}
      </Async>
    </div>
  );
}

function ChartFor({
  metricKey,
  points,
  runs,
  xAxis,
  smoothing,
  logScale,
}: {
  metricKey: string;
  points: Metric[];
  runs: { id: string; name: string }[];
  xAxis: string;
  smoothing: number;
  logScale: boolean;
}) {
  const series = useMemo(() => {
    return runs.map((run): Series => {
      const own = points.filter(
        (point) => point.run_id === run.id || (runs.length === 1 && !point.run_id),
      );
      const sorted = [...own].sort((a, b) =>
        xAxis === 'step' ? a.step - b.step : a.timestamp - b.timestamp,
      );
      const first = sorted[0]?.timestamp ?? 0;
      const x = sorted.map((point) =>
        xAxis === 'step'
          ? point.step
          : xAxis === 'time'
            ? point.timestamp / 1000
            : (point.timestamp - first) / 1000,
      );
      return {
        label: run.name,
        x,
        y: smooth(
          sorted.map((point) => point.value),
          smoothing,
        ),
      };
    });
  }, [points, runs, xAxis, smoothing]);
  return (
    <div className="panel">
      <LineChart title={metricKey} series={series} time={xAxis === 'time'} logScale={logScale} />
    </div>
  );
}
