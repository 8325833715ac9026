import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Trace } from '../api/types';
import { ExperimentHeader } from '../components/experiment-tabs';
import { FilterField } from '../components/filter-field';
import { Empty, ErrorState, Loading } from '../components/states';
import { formatCost, formatDuration, formatNumber, formatTime } from '../lib/format';
import { previewText, quote, searchTraces, sessionKey, userKey } from '../lib/traces';
import { StatusBadge } from './runs-page';

const ranges: Record<string, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};

/** Builds the trace filter from the form's fields (each optional, joined by AND). */
function buildFilter(params: URLSearchParams, now: number): string {
  const clauses: string[] = [];
  const status = params.get('status');
  if (status) clauses.push(`trace.status = ${quote(status)}`);
  const user = params.get('user');
  if (user) clauses.push(`metadata.\`${userKey}\` = ${quote(user)}`);
  const session = params.get('session');
  if (session) clauses.push(`metadata.\`${sessionKey}\` = ${quote(session)}`);
  const range = params.get('range');
  if (range && ranges[range]) clauses.push(`trace.timestamp_ms > ${now - ranges[range]}`);
  const latency = Number(params.get('minLatency'));
  if (latency > 0) clauses.push(`trace.execution_time_ms >= ${latency}`);
  const tag = params.get('tag');
  if (tag?.includes('=')) {
    const [key = '', ...value] = tag.split('=');
    clauses.push(`tags.\`${key.trim()}\` = ${quote(value.join('=').trim())}`);
  }
  const text = params.get('text');
  if (text) clauses.push(`trace.text ILIKE ${quote(`%${text}%`)}`);
  const raw = params.get('filter');
  if (raw) clauses.push(raw);
  return clauses.join(' AND ');
}

/** Traces of an experiment with filters, token and cost columns, paged by "Load more". */
export default function TracesPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [now] = useState(() => Date.now());
  const filter = buildFilter(params, now);
  const order = params.get('order') ?? 'timestamp_ms DESC';
  const [state, setState] = useState<{ traces?: Trace[]; next?: string; error?: unknown }>({});
  const [more, setMore] = useState<string>();
  const [focused, setFocused] = useState(0);

  useEffect(() => {
    let current = true;
    setState((previous) => ({ traces: previous.traces }));
    searchTraces({ experimentId, filter, orderBy: [order], pageToken: more }).then(
      (page) =>
        current &&
        setState((previous) => ({
          traces: more ? [...(previous.traces ?? []), ...page.traces] : page.traces,
          next: page.nextPageToken,
        })),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [experimentId, filter, order, more]);

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setMore(undefined);
    setParams(next, { replace: true });
  };
  const field = (key: string, label: string, width?: number) => (
    <FilterField
      label={label}
      value={params.get(key) ?? ''}
      width={width}
      onCommit={(value) => set(key, value)}
    />
  );
  const sortBy = (key: string) =>
    set('order', order === `${key} DESC` ? `${key} ASC` : `${key} DESC`);
  const traces = state.traces ?? [];

  return (
    <div>
      <ExperimentHeader experimentId={experimentId} />
      <div className="toolbar">
        <select
          aria-label="Status"
          value={params.get('status') ?? ''}
          onChange={(event) => set('status', event.target.value)}
        >
          <option value="">Any status</option>
          <option value="OK">OK</option>
          <option value="ERROR">Error</option>
          <option value="IN_PROGRESS">In progress</option>
        </select>
        <select
          aria-label="Time range"
          value={params.get('range') ?? ''}
          onChange={(event) => set('range', event.target.value)}
        >
          <option value="">Any time</option>
          <option value="1h">Last hour</option>
          <option value="24h">Last 24 hours</option>
          <option value="7d">Last 7 days</option>
          <option value="30d">Last 30 days</option>
        </select>
        {field('user', 'User')}
        {field('session', 'Session')}
        {field('minLatency', 'Min latency ms', 140)}
        {field('tag', 'Tag key=value', 150)}
        {field('text', 'Search text', 180)}
      </div>
      <div className="toolbar">
        <input
          aria-label="Trace filter"
          className="mono grow"
          placeholder="Advanced filter, e.g. span.type = 'TOOL' AND trace.total_tokens > 100"
          defaultValue={params.get('filter') ?? ''}
          onKeyDown={(event) =>
            event.key === 'Enter' && set('filter', event.currentTarget.value.trim())
          }
        />
      </div>
      {state.error ? (
        <ErrorState error={state.error} retry={() => setMore(undefined)} />
      ) : !state.traces ? (
        <div className="panel">
          <Loading label="Loading traces…" />
        </div>
      ) : traces.length === 0 ? (
        <div className="panel">
          <Empty title={filter ? 'No trace matches these filters' : 'No traces yet'}>
            {filter
              ? 'Loosen the filters.'
              : 'Send traces with the SDK or any OpenTelemetry exporter to /v1/traces.'}
          </Empty>
        </div>
      ) : (
        <div
          className="panel"
          style={{ padding: 0, overflow: 'auto', maxHeight: 'calc(100vh - 330px)' }}
        >
          <table
            className="simple"
            data-testid="traces-table"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: the table takes focus for ↑/↓/Enter.
            tabIndex={0}
            onKeyDown={(event) => {
              if (event.key === 'ArrowDown') setFocused(Math.min(traces.length - 1, focused + 1));
              else if (event.key === 'ArrowUp') setFocused(Math.max(0, focused - 1));
              else if (event.key === 'Enter' && traces[focused])
                navigate(`/traces/${traces[focused].trace_id}`);
              else return;
              event.preventDefault();
            }}
          >
            <thead>
              <tr>
                <th>Trace</th>
                <th>Request</th>
                <th>Status</th>
                <th onClick={() => sortBy('timestamp_ms')} style={{ cursor: 'pointer' }}>
                  Time
                </th>
                <th onClick={() => sortBy('execution_time_ms')} style={{ cursor: 'pointer' }}>
                  Latency
                </th>
                <th>Spans</th>
                <th>Tokens</th>
                <th>Cost</th>
                <th>User</th>
                <th>Session</th>
              </tr>
            </thead>
            <tbody>
              {traces.map((trace, index) => (
                <tr
                  key={trace.trace_id}
                  data-testid="trace-row"
                  style={
                    index === focused ? { boxShadow: 'inset 3px 0 0 var(--accent)' } : undefined
                  }
                >
                  <td>
                    <Link to={`/traces/${trace.trace_id}`}>
                      {trace.name ?? trace.trace_id.slice(0, 12)}
                    </Link>
                  </td>
                  <td
                    className="muted"
                    style={{
                      maxWidth: 260,
                      overflow: 'hidden',
                      textOverflow: 'ellipsis',
                      whiteSpace: 'nowrap',
                    }}
                  >
                    {previewText(trace.request_preview)}
                  </td>
                  <td>
                    <StatusBadge status={trace.state} />
                  </td>
                  <td style={{ whiteSpace: 'nowrap' }}>{formatTime(trace.timestamp_ms)}</td>
                  <td>{formatDuration(trace.execution_time_ms)}</td>
                  <td>{formatNumber(trace.span_count)}</td>
                  <td>{formatNumber(trace.usage.total_tokens)}</td>
                  <td>{formatCost(trace.cost)}</td>
                  <td>{trace.trace_metadata[userKey] ?? '—'}</td>
                  <td>
                    {trace.trace_metadata[sessionKey] ? (
                      <Link
                        to={`/experiments/${experimentId}/sessions?session=${encodeURIComponent(trace.trace_metadata[sessionKey])}`}
                      >
                        {trace.trace_metadata[sessionKey]}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.next && (
            <div className="row" style={{ justifyContent: 'center', padding: 10 }}>
              <button type="button" onClick={() => setMore(state.next)}>
                Load more
              </button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
