import { useState } from 'react';
import { formatNumber } from '../lib/format';
import type { RunRow } from '../lib/runs';

const palette = [
  '#2563eb',
  '#e4572e',
  '#17a398',
  '#f3a712',
  '#8e44ad',
  '#db2763',
  '#3f88c5',
  '#6b8f71',
];

/** Numeric value of a dimension ("p:lr" or "m:loss") for one run, if it is a number. */
function numericValue(row: RunRow, dimension: string): number | undefined {
  const key = dimension.slice(2);
  const raw = dimension.startsWith('m:') ? row.metrics[key] : row.params[key];
  const value = typeof raw === 'number' ? raw : raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** Parallel coordinates over numeric params and metrics: one polyline per run. */
export function ParallelCoordinates({ rows }: { rows: RunRow[] }) {
  const dimensions = [
    ...new Set(rows.flatMap((row) => Object.keys(row.params).map((key) => `p:${key}`))),
    ...new Set(rows.flatMap((row) => Object.keys(row.metrics).map((key) => `m:${key}`))),
  ].filter((dimension) => rows.some((row) => numericValue(row, dimension) !== undefined));
  const [hover, setHover] = useState<string>();
  if (dimensions.length < 2)
    return <div className="muted">Needs at least two numeric params or metrics.</div>;
  const width = Math.max(900, dimensions.length * 140);
  const height = 280;
  const top = 30;
  const bottom = height - 20;
  const x = (index: number) => 60 + (index * (width - 120)) / (dimensions.length - 1);
  const ranges = dimensions.map((dimension) => {
    const values = rows
      .map((row) => numericValue(row, dimension))
      .filter((value) => value !== undefined);
    return [Math.min(...values), Math.max(...values)] as const;
  });
  const y = (dimension: number, value: number) => {
    const [low, high] = ranges[dimension] ?? [0, 1];
    return high === low
      ? (top + bottom) / 2
      : bottom - ((value - low) / (high - low)) * (bottom - top);
  };
  return (
    <div style={{ overflowX: 'auto' }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        style={{ width: '100%', minWidth: dimensions.length * 110, height: 'auto', maxHeight: 320 }}
        role="img"
        aria-label="Parallel coordinates"
        data-testid="parallel-coordinates"
      >
        {dimensions.map((dimension, index) => (
          <g key={dimension}>
            <line
              x1={x(index)}
              x2={x(index)}
              y1={top}
              y2={bottom}
              stroke="var(--border)"
              strokeWidth={2}
            />
            <text x={x(index)} y={16} textAnchor="middle" fill="var(--text)" fontSize={12}>
              {dimension.slice(2)}
            </text>
            <text x={x(index) + 4} y={top + 4} fill="var(--muted)" fontSize={10}>
              {formatNumber(ranges[index]?.[1])}
            </text>
            <text x={x(index) + 4} y={bottom} fill="var(--muted)" fontSize={10}>
              {formatNumber(ranges[index]?.[0])}
            </text>
          </g>
        ))}
        {rows.map((row, rowIndex) => {
          const points = dimensions
            .map((dimension, index) => {
              const value = numericValue(row, dimension);
              return value === undefined ? null : `${x(index)},${y(index, value)}`;
            })
            .filter(Boolean)
            .join(' ');
          return (
            <polyline
              key={row.id}
              points={points}
              fill="none"
              stroke={palette[rowIndex % palette.length]}
              strokeWidth={hover === row.id ? 3.5 : 2}
              opacity={hover && hover !== row.id ? 0.25 : 0.9}
              onMouseEnter={() => setHover(row.id)}
              onMouseLeave={() => setHover(undefined)}
            >
              <title>{row.name}</title>
            </polyline>
          );
        })}
      </svg>
    </div>
  );
}
