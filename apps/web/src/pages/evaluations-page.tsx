import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, mlflow } from '../api/client';
import type { Experiment } from '../api/types';
import { listArtifacts } from '../components/artifact-browser';
import { Async, Empty } from '../components/states';
import {
  type EvalTable,
  evalTablePath,
  isFailure,
  loadEvalTable,
  rationaleColumn,
  rowKey,
  scoreColumns,
  scoreNumber,
} from '../lib/eval-table';
import { formatNumber } from '../lib/format';
import { type RunRow, searchRuns, toRow } from '../lib/runs';
import { useApi } from '../lib/use-api';

/** Finds the experiment's runs that logged an evaluation table (newest 100 runs are checked). */
async function evaluationRuns(experimentId: string): Promise<RunRow[]> {
  const { runs } = await searchRuns({
    experimentIds: [experimentId],
    maxResults: 100,
    orderBy: ['attributes.start_time DESC'],
  });
  const found = await Promise.all(
    runs.map(async (run) =>
      (await listArtifacts(run.info.run_id).catch(() => [])).some(
        (file) => file.path === evalTablePath,
      )
        ? run
        : null,
    ),
  );
  return found.filter((run) => run !== null).map(toRow);
}

/** Evaluation results per row: scores and rationales, failures only, two runs side by side with deltas. */
export default function EvaluationsPage() {
  const [params, setParams] = useSearchParams();
  const experimentId = params.get('experiment');
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  const experiments = useApi(
    async () =>
      (
        await api.post<{ experiments?: Experiment[] }>(`${mlflow}/experiments/search`, {
          max_results: 1000,
        })
      ).experiments ?? [],
    [],
  );
  const runs = useApi(
    async () => (experimentId ? evaluationRuns(experimentId) : []),
    [experimentId],
  );
  const a = params.get('a') ?? runs.data?.[0]?.id ?? '';
  const b = params.get('b') ?? '';
  const runPicker = (key: 'a' | 'b', value: string, label: string) => (
    <select
      aria-label={label}
      value={value}
      onChange={(event) => set({ [key]: event.target.value })}
    >
      {key === 'b' && <option value="">— none —</option>}
      {(runs.data ?? []).map((run) => (
        <option key={run.id} value={run.id}>
          {run.name}
        </option>
      ))}
    </select>
  );
  return (
    <div>
      <h1>Evaluations</h1>
      <div className="toolbar">
        <select
          aria-label="Experiment"
          value={experimentId ?? ''}
          onChange={(event) => set({ experiment: event.target.value, a: '', b: '' })}
        >
          <option value="">Choose an experiment…</option>
          {(experiments.data ?? []).map((experiment) => (
            <option key={experiment.experiment_id} value={experiment.experiment_id}>
              {experiment.name}
            </option>
          ))}
        </select>
        {runs.data && runs.data.length > 0 && (
          <>
            {runPicker('a', a, 'Run')}
            <span className="muted">vs</span>
            {runPicker('b', b, 'Compare with')}
            <label className="row">
              <input
                type="checkbox"
                checked={params.get('failures') === '1'}
                onChange={(event) => set({ failures: event.target.checked ? '1' : '' })}
              />
              Failures only
            </label>
          </>
        )}
      </div>
      {!experimentId ? (
        <div className="panel">
          <Empty title="Choose an experiment">
            Its runs that logged eval_results_table.json show here.
          </Empty>
        </div>
      ) : (
        <Async state={runs}>
          {(list) =>
            list.length === 0 ? (
              <div className="panel">
                <Empty title="No evaluation runs">
                  No recent run in this experiment logged eval_results_table.json.
                </Empty>
              </div>
            ) : (
              <Results
                a={a}
                b={b}
                failuresOnly={params.get('failures') === '1'}
                names={Object.fromEntries(list.map((run) => [run.id, run.name]))}
              />
            )
          }
        </Async>
      )}
    </div>
  );
}

function Results({
  a,
  b,
  failuresOnly,
  names,
}: {
  a: string;
  b: string;
  failuresOnly: boolean;
  names: Record<string, string>;
}) {
  const state = useApi(
    async () => ({ a: await loadEvalTable(a), b: b ? await loadEvalTable(b) : undefined }),
    [a, b],
  );
  const [open, setOpen] = useState<string>();
  return (
    <Async state={state}>
      {(tables) => {
        const scores = scoreColumns(tables.a);
        const other = new Map(
          (tables.b?.rows ?? []).map((row, index) => [rowKey(row, index), row]),
        );
        const shown = tables.a.columns.filter(
          (column) =>
            !scores.includes(column) &&
            !column.endsWith('justification') &&
            !column.endsWith('rationale'),
        );
        const rows = tables.a.rows
          .map((row, index) => ({
            row,
            key: rowKey(row, index),
            other: other.get(rowKey(row, index)),
          }))
          .filter(
            ({ row, other: second }) =>
              !failuresOnly ||
              scores.some((score) => isFailure(row[score]) || (second && isFailure(second[score]))),
          );
        return (
          <div>
            <Summary table={tables.a} title={names[a] ?? a} runId={a} />
            {tables.b && <Summary table={tables.b} title={names[b] ?? b} runId={b} />}
            <div className="panel" style={{ padding: 0, overflow: 'auto' }}>
              <table className="simple" data-testid="eval-table">
                <thead>
                  <tr>
                    {shown.map((column) => (
                      <th key={column}>{column}</th>
                    ))}
                    {scores.map((score) => [
                      <th key={score}>{score}</th>,
                      ...(tables.b
                        ? [
                            <th key={`${score}-b`}>{score} (B)</th>,
                            <th key={`${score}-delta`}>Δ</th>,
                          ]
                        : []),
                    ])}
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ row, key, other: second }) => (
                    <tr
                      key={key}
                      data-testid="eval-row"
                      onClick={() => setOpen(open === key ? undefined : key)}
                      style={{ cursor: 'pointer' }}
                    >
                      {shown.map((column) => (
                        <td key={column} style={{ maxWidth: 320 }}>
                          {display(row[column])}
                        </td>
                      ))}
                      {scores.map((score) => {
                        const rationale = rationaleColumn(tables.a, score);
                        const first = scoreNumber(row[score]);
                        const next = second ? scoreNumber(second[score]) : undefined;
                        const delta =
                          first !== undefined && next !== undefined ? next - first : undefined;
                        return [
                          <td
                            key={score}
                            className={isFailure(row[score]) ? 'diff' : ''}
                            title={rationale ? String(row[rationale] ?? '') : undefined}
                          >
                            {display(row[score])}
                            {open === key && rationale && (
                              <div className="muted">{String(row[rationale] ?? '')}</div>
                            )}
                          </td>,
                          ...(tables.b
                            ? [
                                <td
                                  key={`${score}-b`}
                                  className={second && isFailure(second[score]) ? 'diff' : ''}
                                >
                                  {second ? display(second[score]) : '—'}
                                  {open === key && second && rationale && (
                                    <div className="muted">{String(second[rationale] ?? '')}</div>
                                  )}
                                </td>,
                                <td
                                  key={`${score}-delta`}
                                  style={{
                                    color:
                                      delta === undefined || delta === 0
                                        ? undefined
                                        : delta > 0
                                          ? 'var(--ok)'
                                          : 'var(--danger)',
                                  }}
                                >
                                  {delta === undefined
                                    ? '—'
                                    : `${delta > 0 ? '+' : ''}${formatNumber(delta)}`}
                                </td>,
                              ]
                            : []),
                        ];
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
              {rows.length === 0 && <Empty title="No failing rows">Every row passed.</Empty>}
            </div>
          </div>
        );
      }}
    </Async>
  );
}

function Summary({ table, title, runId }: { table: EvalTable; title: string; runId: string }) {
  const scores = scoreColumns(table);
  return (
    <div className="row panel" style={{ gap: 24, marginBottom: 10 }}>
      <Link to={`/runs/${runId}`}>{title}</Link>
      <span className="muted">{table.rows.length} rows</span>
      {scores.map((score) => {
        const failed = table.rows.filter((row) => isFailure(row[score])).length;
        const values = table.rows
          .map((row) => scoreNumber(row[score]))
          .filter((value) => value !== undefined);
        const mean = values.length
          ? values.reduce((sum, value) => sum + value, 0) / values.length
          : undefined;
        return (
          <span key={score} data-testid="eval-summary">
            <strong>{score}</strong> mean {formatNumber(mean)} · {failed} failing
          </span>
        );
      })}
    </div>
  );
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
