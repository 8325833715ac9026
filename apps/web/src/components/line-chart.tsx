import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line: x and y values of equal length. */
export interface Series {
  label: string;
  x: number[];
  y: number[];
}

const palette = [
  '#2563eb',
  '#e4572e',
  '#17a398',
  '#f3a712',
  '#8e44ad',
  '#db2763',
  '#3f88c5',
  '#6b8f71',
  '#a26769',
  '#00a6ed',
];

/** Exponential moving average, as TensorBoard smooths (weight 0 leaves the data as is). */
export function smooth(values: number[], weight: number): number[] {
  if (weight <= 0) return values;
  let last = values[0] ?? 0;
  return values.map((value) => {
    last = last * weight + (1 - weight) * value;
    return last;
  });
}

/** A y-axis tick label that keeps small values (costs, rates) readable. */
function tick(value: number | null): string {
  if (value === null || value === undefined) return '';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e6 || abs < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Joins series with different x values onto one sorted x axis (uPlot's data layout). */
function align(series: Series[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((line) => line.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, position) => [x, position]));
  const columns = series.map((line) => {
    const column: (number | null)[] = new Array(xs.length).fill(null);
    line.x.forEach((x, position) => {
      // uPlot draws gaps for null; a NaN or infinity would poison the axis range instead.
      const value = line.y[position];
      column[index.get(x) ?? 0] = value !== undefined && Number.isFinite(value) ? value : null;
    });
    return column;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** A uPlot line chart sized to its box; handles thousands of points per series. */
export function LineChart({
  series,
  time = false,
  logScale = false,
  height = 240,
  title,
}: {
  series: Series[];
  time?: boolean;
  logScale?: boolean;
  height?: number;
  title?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const text =
      getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
    const grid =
      getComputedStyle(document.documentElement).getPropertyValue('--border').trim() || '#ddd';
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const chart = new uPlot(
      {
        width: element.clientWidth || 400,
        height,
        scales: { x: { time }, y: logScale ? { distr: 3 } : {} },
        axes: [axis, { ...axis, size: 56, values: (_chart, splits) => splits.map(tick) }],
        series: [
          { label: time ? 'time' : 'step' },
          ...series.map((line, position) => ({
            label: line.label,
            stroke: palette[position % palette.length],
            width: 1.5,
            spanGaps: true,
            points: { show: line.x.length < 40 },
          })),
        ],
        legend: { show: series.length <= 12 },
      },
      align(series),
      element,
    );
    const observer = new ResizeObserver(() =>
      chart.setSize({ width: element.clientWidth, height }),
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [series, time, logScale, height]);
  return (
    <div>
      {title && <div className="chart-title">{title}</div>}
      <div ref={box} className="chart-box" style={{ minHeight: height + 30 }} data-testid="chart" />
    </div>
  );
}
