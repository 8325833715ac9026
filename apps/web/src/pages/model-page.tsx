import { lazy, Suspense, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api, mlflow } from '../api/client';
import type { ModelVersion } from '../api/types';
import { ConfirmDialog, PromptDialog } from '../components/modal';
import { Async, Empty, Loading } from '../components/states';
import { formatNumber, formatTime } from '../lib/format';
import {
  deleteAlias,
  getModel,
  lineage,
  modelCard,
  modelVersions,
  setAlias,
} from '../lib/registry';
import { useApi } from '../lib/use-api';

const Markdown = lazy(() => import('react-markdown'));
const stages = ['None', 'Staging', 'Production', 'Archived'];

type Pending =
  | { kind: 'stage'; version: ModelVersion; stage: string }
  | { kind: 'alias'; version: ModelVersion }
  | { kind: 'unalias'; alias: string };

/** A registered model: versions with stage and alias changes (confirmed), lineage and model card. */
export default function ModelPage() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const model = useApi(() => getModel(name), [name]);
  const versions = useApi(() => modelVersions(name), [name]);
  const [pending, setPending] = useState<Pending>();
  const chosen = params.get('version') ?? versions.data?.[0]?.version;
  const tab = params.get('tab') ?? 'lineage';
  const set = (changes: Record<string, string>) =>
    setParams({ ...Object.fromEntries(params), ...changes }, { replace: true });
  const reload = () => {
    model.reload();
    versions.reload();
  };

  return (
    <div>
      <div className="muted">
        <Link to="/models">Models</Link> /
      </div>
      <h1>{name}</h1>
      <Async state={model}>
        {(registered) => (
          <div className="row" style={{ marginBottom: 12 }}>
            <span className="muted">{registered.description ?? 'No description.'}</span>
            {(registered.aliases ?? []).map((alias) => (
              <span key={alias.alias} className="badge">
                @{alias.alias} → v{alias.version}{' '}
                <button
                  type="button"
                  className="ghost"
                  style={{ padding: 0 }}
                  aria-label={`Remove alias ${alias.alias}`}
                  onClick={() => setPending({ kind: 'unalias', alias: alias.alias })}
                >
                  ×
                </button>
              </span>
            ))}
          </div>
        )}
      </Async>
      <div className="panel" style={{ padding: 0, marginBottom: 14 }}>
        <Async state={versions}>
          {(list) =>
            list.length === 0 ? (
              <Empty title="No versions">Create a version from a run's model artifact.</Empty>
            ) : (
              <table className="simple" data-testid="versions-table">
                <thead>
                  <tr>
                    <th>Version</th>
                    <th>Stage</th>
                    <th>Aliases</th>
                    <th>Source run</th>
                    <th>Created</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((version) => (
                    <tr
                      key={version.version}
                      style={
                        chosen === version.version ? { background: 'var(--row-hover)' } : undefined
                      }
                    >
                      <td>
                        <button
                          type="button"
                          className="ghost"
                          style={{ color: 'var(--accent)', padding: 0 }}
                          onClick={() => set({ version: version.version })}
                        >
                          Version {version.version}
                        </button>
                      </td>
                      <td>
                        <select
                          aria-label={`Stage of version ${version.version}`}
                          value={version.current_stage}
                          onChange={(event) =>
                            setPending({ kind: 'stage', version, stage: event.target.value })
                          }
                        >
                          {stages.map((stage) => (
                            <option key={stage}>{stage}</option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {(version.aliases ?? []).map((alias) => (
                          <span key={alias} className="badge">
                            @{alias}
                          </span>
                        ))}
                      </td>
                      <td>
                        {version.run_id ? (
                          <Link to={`/runs/${version.run_id}`}>{version.run_id.slice(0, 8)}</Link>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>{formatTime(version.creation_timestamp)}</td>
                      <td>
                        <button
                          type="button"
                          onClick={() => setPending({ kind: 'alias', version })}
                        >
                          Set alias
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </div>
      {chosen && (
        <>
          <div className="tabs">
            {['lineage', 'card'].map((id) => (
              <button
                key={id}
                type="button"
                className={tab === id ? 'active' : ''}
                onClick={() => set({ tab: id })}
              >
                {id === 'lineage' ? `Lineage of v${chosen}` : `Model card v${chosen}`}
              </button>
            ))}
          </div>
          {tab === 'lineage' ? (
            <LineageView name={name} version={chosen} />
          ) : (
            <CardView name={name} version={chosen} />
          )}
        </>
      )}
      {pending?.kind === 'stage' && (
        <ConfirmDialog
          title="Change stage"
          message={`Move ${name} version ${pending.version.version} from ${pending.version.current_stage} to ${pending.stage}?`}
          confirmLabel={`Move to ${pending.stage}`}
          onClose={() => setPending(undefined)}
          onConfirm={async () => {
            await api.post(`${mlflow}/model-versions/transition-stage`, {
              name,
              version: pending.version.version,
              stage: pending.stage,
              archive_existing_versions: false,
            });
            reload();
          }}
        />
      )}
      {pending?.kind === 'alias' && (
        <PromptDialog
          title={`Set alias on version ${pending.version.version}`}
          label="Alias (moves it if another version holds it)"
          submitLabel="Set alias"
          onClose={() => setPending(undefined)}
          onSubmit={async (alias) => {
            await setAlias(name, alias, pending.version.version);
            reload();
          }}
        />
      )}
      {pending?.kind === 'unalias' && (
        <ConfirmDialog
          title="Remove alias"
          message={`Remove alias @${pending.alias} from ${name}? Code loading models:/${name}@${pending.alias} will stop working.`}
          confirmLabel="Remove alias"
          onClose={() => setPending(undefined)}
          onConfirm={async () => {
            await deleteAlias(name, pending.alias);
            reload();
          }}
        />
      )}
    </div>
  );
}

function LineageView({ name, version }: { name: string; version: string }) {
  const state = useApi(() => lineage(name, version), [name, version]);
  return (
    <Async state={state}>
      {(data) => (
        <div className="grid-2" data-testid="lineage">
          <div className="panel">
            <h3 style={{ marginTop: 0 }}>Source run</h3>
            {data.run ? (
              <>
                <Link to={`/runs/${data.run.info.run_id}`}>
                  {data.run.info.run_name ?? data.run.info.run_id}
                </Link>
                <ul>
                  {(data.run.data.metrics ?? []).map((metric) => (
                    <li key={metric.key}>
                      {metric.key}: {formatNumber(metric.value)}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <div className="muted">Not linked to a run.</div>
            )}
            <h3>Datasets</h3>
            {data.datasets.length === 0 ? (
              <div className="muted">None logged.</div>
            ) : (
              <ul>
                {data.datasets.map((input) => (
                  <li key={input.dataset.digest}>
                    {input.dataset.name} <span className="muted mono">{input.dataset.digest}</span>
                  </li>
                ))}
              </ul>
            )}
            <h3>Evaluations</h3>
            {data.evaluations.length === 0 ? (
              <div className="muted">None linked.</div>
            ) : (
              <ul>
                {data.evaluations.map((run) => (
                  <li key={run.info.run_id}>
                    <Link to={`/runs/${run.info.run_id}`}>
                      {run.info.run_name ?? run.info.run_id}
                    </Link>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="panel">
            <h3 style={{ marginTop: 0 }}>History</h3>
            <table className="simple">
              <tbody>
                {data.history.map((item) => (
                  <tr key={`${item.kind}-${item.timestamp}-${item.to ?? ''}`}>
                    <td>{formatTime(item.timestamp)}</td>
                    <td>
                      {item.kind}
                      {item.from !== undefined || item.to !== undefined
                        ? `: ${item.from ?? '—'} → ${item.to ?? '—'}`
                        : ''}
                    </td>
                    <td className="muted">{item.user_id ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </Async>
  );
}

function CardView({ name, version }: { name: string; version: string }) {
  const state = useApi(() => modelCard(name, version), [name, version]);
  return (
    <div className="panel markdown" data-testid="model-card">
      <Async state={state}>
        {(markdown) => (
          <Suspense fallback={<Loading />}>
            <Markdown>{markdown}</Markdown>
          </Suspense>
        )}
      </Async>
    </div>
  );
}
