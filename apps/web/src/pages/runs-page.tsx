import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, mlflow } from '../api/client';
import { DataGrid, type GridColumn } from '../components/data-grid';
import { ExperimentHeader } from '../components/experiment-tabs';
import { FilterBox } from '../components/filter-box';
import { PromptDialog } from '../components/modal';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatDuration, formatNumber, formatShortTime } from '../lib/format';
import { keysOf, type RunRow } from '../lib/runs';
import { useAllRuns } from '../lib/use-all-runs';

const runAttributes = ['run_name', 'status', 'start_time', 'end_time', 'user_id', 'run_id'];
type Kind = 'm' | 'p' | 't';
const kindNames = { m: 'metrics', p: 'params', t: 'tags' } as const;

/** Runs of an experiment: virtualised table, filter, sort, chosen columns and bulk actions. */
export default function RunsPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const filter = params.get('filter') ?? '';
  const order = params.get('order') ?? 'attributes.start_time DESC';
  const view = params.get('view') ?? 'ACTIVE_ONLY';
  const [generation, setGeneration] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [tagging, setTagging] = useState(false);
  const [picking, setPicking] = useState(false);
  const state = useAllRuns({ experimentId, filter, orderBy: [order], viewType: view, generation });
  const rows = state.rows ?? [];

  const keys = useMemo(
    () => ({
      metrics: keysOf(rows, 'metrics'),
      params: keysOf(rows, 'params'),
      tags: keysOf(rows, 'tags'),
    }),
    [rows],
  );
  const columnsParam = params.get('cols');
  const chosen: [Kind, string][] = useMemo(() => {
    if (columnsParam !== null)
      return columnsParam
        .split('|')
        .filter(Boolean)
        .map((item) => [item.slice(0, 1) as Kind, item.slice(2)]);
    // Default columns: the first few metrics and params.
    return [
      ...keys.metrics.slice(0, 4).map((key): [Kind, string] => ['m', key]),
      ...keys.params.slice(0, 3).map((key): [Kind, string] => ['p', key]),
    ];
  }, [columnsParam, keys]);

  const set = useCallback(
    (changes: Record<string, string | null>) => {
      const next = new URLSearchParams(params);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') next.delete(key);
        else next.set(key, value);
      }
      setParams(next, { replace: true });
    },
    [params, setParams],
  );
  const [orderKey, orderDirection] = splitOrder(order);
  const onSort = (key: string) =>
    set({ order: `${key} ${key === orderKey && orderDirection === 'DESC' ? 'ASC' : 'DESC'}` });
  const toggle = useCallback(
    (id: string) =>
      setSelected((previous) => {
        const next = new Set(previous);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  const columns = useMemo(
    () => buildColumns(chosen, selected, toggle, rows, setSelected),
    [chosen, selected, toggle, rows],
  );
  const bulk = async (path: 'delete' | 'restore') => {
    for (const runId of selected) await api.post(`${mlflow}/runs/${path}`, { run_id: runId });
    setSelected(new Set());
    setGeneration((value) => value + 1);
  };

  return (
    <div>
      <ExperimentHeader experimentId={experimentId} />
      <div className="toolbar">
        <FilterBox
          value={filter}
          onApply={(value) => set({ filter: value })}
          keys={{ ...keys, attributes: runAttributes }}
          placeholder="metrics.accuracy > 0.9 and params.model = 'gpt-4o'"
        />
        <select
          aria-label="Lifecycle"
          value={view}
          onChange={(event) => set({ view: event.target.value })}
        >
          <option value="ACTIVE_ONLY">Active</option>
          <option value="DELETED_ONLY">Deleted</option>
          <option value="ALL">All</option>
        </select>
        <button type="button" onClick={() => setPicking(!picking)} aria-expanded={picking}>
          Columns
        </button>
      </div>
      {picking && (
        <ColumnPicker
          keys={keys}
          chosen={chosen}
          onChange={(next) =>
            set({ cols: next.map(([kind, key]) => `${kind}:${key}`).join('|') || '|' })
          }
        />
      )}
      <div className="toolbar">
        <span className="muted" data-testid="run-count">
          {state.rows
            ? `${rows.length.toLocaleString()} runs${state.complete ? '' : ' (loading more…)'}`
            : ''}
        </span>
        <span className="grow" />
        <span className="muted">{selected.size > 0 ? `${selected.size} selected` : ''}</span>
        <button
          type="button"
          disabled={selected.size < 2}
          onClick={() => navigate(`/compare?runs=${[...selected].join(',')}`)}
        >
          Compare
        </button>
        <button type="button" disabled={selected.size === 0} onClick={() => setTagging(true)}>
          Add tag
        </button>
        {view === 'ACTIVE_ONLY' ? (
          <button
            type="button"
            className="danger"
            disabled={selected.size === 0}
            onClick={() => bulk('delete')}
          >
            Delete
          </button>
        ) : (
          <button type="button" disabled={selected.size === 0} onClick={() => bulk('restore')}>
            Restore
          </button>
        )}
      </div>
      {state.error ? (
        <ErrorState error={state.error} retry={() => setGeneration((value) => value + 1)} />
      ) : !state.rows ? (
        <div className="grid" style={{ height: 'calc(100vh - 290px)' }}>
          <Loading label="Loading runs…" />
        </div>
      ) : rows.length === 0 ? (
        <div className="grid" style={{ height: 'calc(100vh - 290px)' }}>
          <Empty title={filter ? 'No run matches this filter' : 'No runs yet'}>
            {filter
              ? 'Loosen the filter or clear it.'
              : 'Log a run with the SDK or any MLflow client.'}
          </Empty>
        </div>
      ) : (
        <DataGrid
          label="Runs"
          rows={rows}
          columns={columns}
          rowId={(row) => row.id}
          selected={selected}
          onToggle={toggle}
          onOpen={(row) => navigate(`/runs/${row.id}`)}
          sort={{ key: orderKey, descending: orderDirection === 'DESC' }}
          onSort={onSort}
          height="calc(100vh - 290px)"
        />
      )}
      {tagging && (
        <PromptDialog
          title={`Tag ${selected.size} runs`}
          label="Tag as key=value"
          submitLabel="Add tag"
          onClose={() => setTagging(false)}
          onSubmit={async (text) => {
            const [key = '', ...rest] = text.split('=');
            if (!key.trim()) throw new Error('Write the tag as key=value.');
            for (const runId of selected)
              await api.post(`${mlflow}/runs/set-tag`, {
                run_id: runId,
                key: key.trim(),
                value: rest.join('=').trim(),
              });
            setGeneration((value) => value + 1);
          }}
        />
      )}
    </div>
  );
}

function splitOrder(order: string): [string, 'ASC' | 'DESC'] {
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(order.trim());
  return match
    ? [match[1] ?? '', (match[2] ?? 'ASC').toUpperCase() as 'ASC' | 'DESC']
    : [order, 'ASC'];
}

function quoted(prefix: string, key: string): string {
  return `${prefix}.\`${key}\``;
}

function buildColumns(
  chosen: [Kind, string][],
  selected: ReadonlySet<string>,
  toggle: (id: string) => void,
  rows: RunRow[],
  setSelected: (next: Set<string>) => void,
): GridColumn<RunRow>[] {
  const all = rows.length > 0 && selected.size === rows.length;
  return [
    {
      id: 'select',
      size: 44,
      header: () => (
        <input
          type="checkbox"
          aria-label="Select all runs"
          checked={all}
          onChange={() => setSelected(all ? new Set() : new Set(rows.map((row) => row.id)))}
        />
      ),
      cell: ({ row }) => (
        <input
          type="checkbox"
          aria-label={`Select ${row.original.name}`}
          checked={selected.has(row.original.id)}
          onChange={() => toggle(row.original.id)}
          tabIndex={-1}
        />
      ),
    },
    {
      id: 'name',
      header: 'Run',
      size: 220,
      sortKey: 'attributes.run_name',
      cell: ({ row }) => (
        <Link to={`/runs/${row.original.id}`} tabIndex={-1}>
          {row.original.name}
        </Link>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      size: 100,
      sortKey: 'attributes.status',
      cell: ({ row }) => <StatusBadge status={row.original.run.info.status} />,
    },
    {
      id: 'start',
      header: 'Created',
      size: 150,
      sortKey: 'attributes.start_time',
      cell: ({ row }) => formatShortTime(row.original.run.info.start_time),
    },
    {
      id: 'duration',
      header: 'Duration',
      size: 90,
      cell: ({ row }) => {
        const { start_time: start, end_time: end } = row.original.run.info;
        return start && end ? formatDuration(end - start) : '—';
      },
    },
    ...chosen.map(([kind, key]): GridColumn<RunRow> => {
      const prefix = kindNames[kind] ?? 'metrics';
      return {
        id: `${kind}:${key}`,
        header: () => (
          <span title={`${prefix}.${key}`}>
            <span className="kind-tag">{kind.toUpperCase()}</span>
            {key}
          </span>
        ),
        size: 130,
        sortKey: quoted(prefix, key),
        cell: ({ row }) => {
          const value = row.original[prefix][key];
          return typeof value === 'number' ? formatNumber(value) : (value ?? '—');
        },
      };
    }),
  ];
}

/** A run or trace status as a coloured badge. */
export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'FINISHED' || status === 'OK'
      ? 'ok'
      : status === 'FAILED' || status === 'ERROR'
        ? 'error'
        : 'warn';
  return <span className={`badge ${tone}`}>{status.toLowerCase()}</span>;
}

function ColumnPicker({
  keys,
  chosen,
  onChange,
}: {
  keys: { metrics: string[]; params: string[]; tags: string[] };
  chosen: [Kind, string][];
  onChange: (next: [Kind, string][]) => void;
}) {
  const has = (kind: Kind, key: string) => chosen.some(([k, name]) => k === kind && name === key);
  const flip = (kind: Kind, key: string) =>
    onChange(
      has(kind, key)
        ? chosen.filter(([k, name]) => !(k === kind && name === key))
        : [...chosen, [kind, key]],
    );
  return (
    <div className="panel grid-3" style={{ marginBottom: 10, maxHeight: 220, overflow: 'auto' }}>
      {(['m', 'p', 't'] as const).map((kind) => (
        <fieldset key={kind} style={{ border: 'none', margin: 0, padding: 0 }}>
          <legend className="muted">{kindNames[kind]}</legend>
          {keys[kindNames[kind]].length === 0 && <div className="muted">none</div>}
          {keys[kindNames[kind]].map((key) => (
            <label key={key} className="row" style={{ flexWrap: 'nowrap' }}>
              <input type="checkbox" checked={has(kind, key)} onChange={() => flip(kind, key)} />
              <span className="mono">{key}</span>
            </label>
          ))}
        </fieldset>
      ))}
    </div>
  );
}
