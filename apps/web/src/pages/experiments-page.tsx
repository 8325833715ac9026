import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, mlflow } from '../api/client';
import type { Experiment } from '../api/types';
import { PromptDialog } from '../components/modal';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';
import { useApi } from '../lib/use-api';

const views = { active: 'ACTIVE_ONLY', deleted: 'DELETED_ONLY', all: 'ALL' } as const;

/** Experiments: search by name, create, rename, delete and restore. */
export function ExperimentsPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const view = (params.get('view') ?? 'active') as keyof typeof views;
  const [dialog, setDialog] = useState<
    { kind: 'create' } | { kind: 'rename'; experiment: Experiment }
  >();
  const state = useApi(async () => {
    const escaped = query.replaceAll("'", "\\'");
    const answer = await api.post<{ experiments?: Experiment[] }>(`${mlflow}/experiments/search`, {
      max_results: 1000,
      view_type: views[view] ?? 'ACTIVE_ONLY',
      order_by: ['last_update_time DESC'],
      ...(query ? { filter: `name ILIKE '%${escaped}%'` } : {}),
    });
    return answer.experiments ?? [];
  }, [query, view]);
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const act = async (path: string, experimentId: string) => {
    await api.post(`${mlflow}/experiments/${path}`, { experiment_id: experimentId });
    state.reload();
  };

  return (
    <div>
      <div className="row spread">
        <h1>Experiments</h1>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          New experiment
        </button>
      </div>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Search experiments by name"
          aria-label="Search experiments"
          value={query}
          onChange={(event) => update('q', event.target.value)}
          style={{ width: 320 }}
        />
        <select
          aria-label="Show"
          value={view}
          onChange={(event) => update('view', event.target.value)}
        >
          <option value="active">Active</option>
          <option value="deleted">Deleted</option>
          <option value="all">All</option>
        </select>
      </div>
      <div className="panel" style={{ padding: 0 }}>
        <Async state={state}>
          {(experiments) =>
            experiments.length === 0 ? (
              <Empty title={query ? 'No experiment matches' : 'No experiments yet'}>
                {query ? 'Try another name.' : 'Create one here, or log a run with the SDK.'}
              </Empty>
            ) : (
              <table className="simple">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>ID</th>
                    <th>Last updated</th>
                    <th>Open</th>
                    <th style={{ width: 180 }} />
                  </tr>
                </thead>
                <tbody>
                  {experiments.map((experiment) => (
                    <tr key={experiment.experiment_id} data-testid="experiment-row">
                      <td>
                        <Link to={`/experiments/${experiment.experiment_id}/runs`}>
                          {experiment.name}
                        </Link>
                        {experiment.lifecycle_stage === 'deleted' && (
                          <span className="badge error" style={{ marginLeft: 8 }}>
                            deleted
                          </span>
                        )}
                      </td>
                      <td className="mono">{experiment.experiment_id}</td>
                      <td>{formatTime(experiment.last_update_time)}</td>
                      <td className="row">
                        <Link to={`/experiments/${experiment.experiment_id}/runs`}>Runs</Link>
                        <Link to={`/experiments/${experiment.experiment_id}/traces`}>Traces</Link>
                        <Link to={`/evaluations?experiment=${experiment.experiment_id}`}>
                          Evaluations
                        </Link>
                      </td>
                      <td className="row" style={{ justifyContent: 'flex-end' }}>
                        <button
                          type="button"
                          onClick={() => setDialog({ kind: 'rename', experiment })}
                        >
                          Rename
                        </button>
                        {experiment.lifecycle_stage === 'deleted' ? (
                          <button
                            type="button"
                            onClick={() => act('restore', experiment.experiment_id)}
                          >
                            Restore
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => act('delete', experiment.experiment_id)}
                          >
                            Delete
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </div>
      {dialog?.kind === 'create' && (
        <PromptDialog
          title="New experiment"
          label="Name"
          submitLabel="Create"
          onClose={() => setDialog(undefined)}
          onSubmit={async (name) => {
            await api.post(`${mlflow}/experiments/create`, { name });
            state.reload();
          }}
        />
      )}
      {dialog?.kind === 'rename' && (
        <PromptDialog
          title="Rename experiment"
          label="New name"
          initial={dialog.experiment.name}
          submitLabel="Rename"
          onClose={() => setDialog(undefined)}
          onSubmit={async (name) => {
            await api.post(`${mlflow}/experiments/update`, {
              experiment_id: dialog.experiment.experiment_id,
              new_name: name,
            });
            state.reload();
          }}
        />
      )}
    </div>
  );
}
