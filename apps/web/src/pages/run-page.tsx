import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { Tag } from '../api/types';
import { ArtifactBrowser } from '../components/artifact-browser';
import { LlmCallView } from '../components/llm-call-view';
import { MetricCharts } from '../components/metric-charts';
import { Async } from '../components/states';
import { formatDuration, formatNumber, formatTime } from '../lib/format';
import { getRun } from '../lib/runs';
import { useApi } from '../lib/use-api';
import { StatusBadge } from './runs-page';

const tabs = [
  ['overview', 'Overview'],
  ['metrics', 'Metrics'],
  ['artifacts', 'Artifacts'],
  ['llm', 'LLM calls'],
] as const;

/** One run: overview with params and tags, metric charts, artifacts and LLM calls. */
export default function RunPage() {
  const { runId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'overview';
  const state = useApi(() => getRun(runId), [runId]);
  return (
    <Async state={state}>
      {(run) => {
        const name = run.info.run_name || run.info.run_id;
        const metrics = run.data.metrics ?? [];
        const userTags = (run.data.tags ?? []).filter((tag) => !tag.key.startsWith('mlflow.'));
        return (
          <div>
            <div className="muted">
              <Link to="/experiments">Experiments</Link> /{' '}
              <Link to={`/experiments/${run.info.experiment_id}/runs`}>Runs</Link> /
            </div>
            <h1 className="row">
              {name} <StatusBadge status={run.info.status} />
            </h1>
            <div className="tabs" role="tablist">
              {tabs.map(([id, label]) => (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  aria-selected={tab === id}
                  className={tab === id ? 'active' : ''}
                  onClick={() => setParams({ tab: id }, { replace: true })}
                >
                  {label}
                </button>
              ))}
            </div>
            {tab === 'overview' && (
              <div className="grid-2">
                <div className="panel">
                  <h3 style={{ marginTop: 0 }}>Details</h3>
                  <dl className="kv">
                    <dt>Run ID</dt>
                    <dd className="mono">{run.info.run_id}</dd>
                    <dt>Started</dt>
                    <dd>{formatTime(run.info.start_time)}</dd>
                    <dt>Duration</dt>
                    <dd>
                      {run.info.start_time && run.info.end_time
                        ? formatDuration(run.info.end_time - run.info.start_time)
                        : '—'}
                    </dd>
                    <dt>User</dt>
                    <dd>{run.info.user_id || '—'}</dd>
                    <dt>Artifacts</dt>
                    <dd className="mono">{run.info.artifact_uri}</dd>
                    <dt>Lifecycle</dt>
                    <dd>{run.info.lifecycle_stage}</dd>
                  </dl>
                  <h3>Metrics (latest)</h3>
                  <KeyValues
                    entries={metrics.map((metric) => ({
                      key: metric.key,
                      value: formatNumber(metric.value),
                    }))}
                  />
                </div>
                <div className="panel">
                  <h3 style={{ marginTop: 0 }}>Parameters</h3>
                  <KeyValues entries={run.data.params ?? []} />
                  <h3>Tags</h3>
                  <KeyValues entries={userTags} />
                </div>
              </div>
            )}
            {tab === 'metrics' && (
              <MetricCharts
                runs={[{ id: run.info.run_id, name }]}
                keys={[...new Set(metrics.map((metric) => metric.key))].sort()}
              />
            )}
            {tab === 'artifacts' && <ArtifactBrowser runId={run.info.run_id} />}
            {tab === 'llm' && <LlmCallView runId={run.info.run_id} />}
          </div>
        );
      }}
    </Async>
  );
}

function KeyValues({ entries }: { entries: Tag[] }) {
  if (entries.length === 0) return <div className="muted">None</div>;
  return (
    <table className="simple">
      <tbody>
        {[...entries]
          .sort((a, b) => a.key.localeCompare(b.key))
          .map((entry) => (
            <tr key={entry.key}>
              <td className="mono" style={{ width: '40%' }}>
                {entry.key}
              </td>
              <td style={{ wordBreak: 'break-word' }}>{entry.value}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
