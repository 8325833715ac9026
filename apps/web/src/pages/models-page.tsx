import { Link, useSearchParams } from 'react-router-dom';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';
import { searchModels } from '../lib/registry';
import { useApi } from '../lib/use-api';

/** Registered models with their latest version and aliases. */
export default function ModelsPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const state = useApi(() => searchModels(query), [query]);
  return (
    <div>
      <h1>Models</h1>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search models"
          placeholder="Search models by name"
          value={query}
          style={{ width: 320 }}
          onChange={(event) =>
            setParams(event.target.value ? { q: event.target.value } : {}, { replace: true })
          }
        />
      </div>
      <div className="panel" style={{ padding: 0 }}>
        <Async state={state}>
          {(models) =>
            models.length === 0 ? (
              <Empty title="No registered models">
                Register a model version from a run to see it here.
              </Empty>
            ) : (
              <table className="simple">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Latest version</th>
                    <th>Aliases</th>
                    <th>Description</th>
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((model) => (
                    <tr key={model.name} data-testid="model-row">
                      <td>
                        <Link to={`/models/${encodeURIComponent(model.name)}`}>{model.name}</Link>
                      </td>
                      <td>
                        {Math.max(
                          0,
                          ...(model.latest_versions ?? []).map((version) =>
                            Number(version.version),
                          ),
                        ) || '—'}
                      </td>
                      <td className="row">
                        {(model.aliases ?? []).map((alias) => (
                          <span key={alias.alias} className="badge">
                            @{alias.alias} → v{alias.version}
                          </span>
                        ))}
                      </td>
                      <td className="muted">{model.description ?? ''}</td>
                      <td>{formatTime(model.last_updated_timestamp)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </div>
    </div>
  );
}
