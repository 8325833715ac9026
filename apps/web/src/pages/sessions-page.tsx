import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, cairn } from '../api/client';
import { ExperimentHeader } from '../components/experiment-tabs';
import { Async, Empty } from '../components/states';
import { formatCost, formatNumber, formatTime } from '../lib/format';
import { previewText, quote, searchTraces, sessionKey, userKey } from '../lib/traces';
import { useApi } from '../lib/use-api';

interface Session {
  session_id: string;
  trace_count: number;
  total_tokens: number;
  cost: number | null;
  first_timestamp_ms: number;
  last_timestamp_ms: number;
}

/** Sessions of an experiment; choosing one shows its traces as a conversation. */
export default function SessionsPage() {
  const { experimentId = '0' } = useParams();
  const [params, setParams] = useSearchParams();
  const chosen = params.get('session');
  const sessions = useApi(
    async () =>
      (
        await api.get<{ sessions?: Session[] }>(`${cairn}/traces/sessions`, {
          experiment_ids: [experimentId],
          max_results: 500,
        })
      ).sessions ?? [],
    [experimentId],
  );
  return (
    <div>
      <ExperimentHeader experimentId={experimentId} />
      <div className="split" style={{ gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1.2fr)' }}>
        <div className="panel" style={{ padding: 0, overflow: 'auto' }}>
          <Async state={sessions}>
            {(list) =>
              list.length === 0 ? (
                <Empty title="No sessions">
                  Traces join a session when they carry mlflow.trace.session metadata.
                </Empty>
              ) : (
                <table className="simple" data-testid="sessions-table">
                  <thead>
                    <tr>
                      <th>Session</th>
                      <th>Traces</th>
                      <th>Tokens</th>
                      <th>Cost</th>
                      <th>Last activity</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((session) => (
                      <tr
                        key={session.session_id}
                        style={
                          chosen === session.session_id
                            ? { background: 'var(--row-hover)' }
                            : undefined
                        }
                      >
                        <td>
                          <button
                            type="button"
                            className="ghost"
                            style={{ color: 'var(--accent)', padding: 0 }}
                            onClick={() =>
                              setParams({ session: session.session_id }, { replace: true })
                            }
                          >
                            {session.session_id}
                          </button>
                        </td>
                        <td>{session.trace_count}</td>
                        <td>{formatNumber(session.total_tokens)}</td>
                        <td>{formatCost(session.cost)}</td>
                        <td>{formatTime(session.last_timestamp_ms)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Async>
        </div>
        <div className="panel" style={{ overflow: 'auto' }}>
          {chosen ? (
            <Conversation experimentId={experimentId} session={chosen} />
          ) : (
            <Empty title="Pick a session">Its traces show here in order.</Empty>
          )}
        </div>
      </div>
    </div>
  );
}

function Conversation({ experimentId, session }: { experimentId: string; session: string }) {
  const state = useApi(
    () =>
      searchTraces({
        experimentId,
        filter: `metadata.\`${sessionKey}\` = ${quote(session)}`,
        orderBy: ['timestamp_ms ASC'],
        maxResults: 500,
      }),
    [experimentId, session],
  );
  return (
    <Async state={state}>
      {({ traces }) => (
        <div data-testid="conversation">
          <h3 style={{ marginTop: 0 }}>
            Session {session}{' '}
            <span className="muted">· user {traces[0]?.trace_metadata[userKey] ?? '—'}</span>
          </h3>
          {traces.map((trace) => (
            <div key={trace.trace_id}>
              <div className="muted" style={{ fontSize: 12, marginTop: 10 }}>
                {formatTime(trace.timestamp_ms)} ·{' '}
                <Link to={`/traces/${trace.trace_id}`}>{trace.name ?? 'trace'}</Link>
              </div>
              <div className="bubble user">
                <div className="role">user</div>
                {previewText(trace.request_preview)}
              </div>
              <div className="bubble">
                <div className="role">assistant</div>
                {previewText(trace.response_preview)}
              </div>
            </div>
          ))}
        </div>
      )}
    </Async>
  );
}
