import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { MetricCharts } from '../components/metric-charts';
import { ParallelCoordinates } from '../components/parallel-coordinates';
import { Async, Empty } from '../components/states';
import { formatNumber } from '../lib/format';
import { getRun, type RunRow, toRow } from '../lib/runs';
import { useApi } from '../lib/use-api';

/** Compares runs: overlaid metric charts, a diff table of params and metrics, parallel coordinates. */
export default function ComparePage() {
  const [params] = useSearchParams();
  const runIds = (params.get('runs') ?? '').split(',').filter(Boolean);
  const state = useApi(
    async () => (await Promise.all(runIds.map(getRun))).map(toRow),
    [runIds.join(',')],
  );
  if (runIds.length < 2)
    return (
      <Empty title="Pick runs to compare">
        Select two or more runs in a runs table, then press Compare.
      </Empty>
    );
  return (
    <div>
      <h1>Compare {runIds.length} runs</h1>
      <Async state={state}>
        {(rows) => (
          <>
            <DiffTable rows={rows} />
            <h2>Parallel coordinates</h2>
            <div className="panel">
              <ParallelCoordinates rows={rows} />
            </div>
            <h2>Metrics</h2>
            <MetricCharts
              runs={rows.map((row) => ({ id: row.id, name: row.name }))}
              keys={[...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort()}
            />
          </>
        )}
      </Async>
    </div>
  );
}

function DiffTable({ rows }: { rows: RunRow[] }) {
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const section = (kind: 'params' | 'metrics' | 'tags') => {
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row[kind])))]
      .filter((key) => kind !== 'tags' || !key.startsWith('mlflow.'))
      .sort();
    return keys
      .map((key) => {
        const values = rows.map((row) => row[kind][key]);
        const differs = new Set(values.map(String)).size > 1;
        return { key, values, differs };
      })
      .filter((entry) => !onlyDiffs || entry.differs);
  };
  return (
    <div className="panel" style={{ padding: 0, overflowX: 'auto' }}>
      <div className="toolbar" style={{ padding: '8px 10px', margin: 0 }}>
        <label className="row">
          <input
            type="checkbox"
            checked={onlyDiffs}
            onChange={(event) => setOnlyDiffs(event.target.checked)}
          />
          Only differences
        </label>
      </div>
      <table className="simple" data-testid="diff-table">
        <thead>
          <tr>
            <th>Key</th>
            {rows.map((row) => (
              <th key={row.id}>
                <Link to={`/runs/${row.id}`}>{row.name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(['params', 'metrics', 'tags'] as const).map((kind) => [
            <tr key={kind}>
              <td
                colSpan={rows.length + 1}
                style={{ fontWeight: 600, background: 'var(--panel-2)' }}
              >
                {kind}
              </td>
            </tr>,
            ...section(kind).map((entry) => (
              <tr key={`${kind}:${entry.key}`} data-differs={entry.differs}>
                <td className="mono">{entry.key}</td>
                {entry.values.map((value, index) => (
                  <td key={rows[index]?.id} className={entry.differs ? 'diff' : ''}>
                    {typeof value === 'number' ? formatNumber(value) : (value ?? '—')}
                  </td>
                ))}
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}
