import { Link } from 'react-router-dom';
import { Async, Empty } from '../components/states';
import { formatTime } from '../lib/format';
import { searchPrompts } from '../lib/registry';
import { useApi } from '../lib/use-api';

/** Prompts in the registry with their latest version and aliases. */
export default function PromptsPage() {
  const state = useApi(searchPrompts, []);
  return (
    <div>
      <h1>Prompts</h1>
      <div className="panel" style={{ padding: 0 }}>
        <Async state={state}>
          {(prompts) =>
            prompts.length === 0 ? (
              <Empty title="No prompts yet">
                Register one with the SDK's registerPrompt or the REST API.
              </Empty>
            ) : (
              <table className="simple">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Latest version</th>
                    <th>Aliases</th>
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {prompts.map((prompt) => (
                    <tr key={prompt.name} data-testid="prompt-row">
                      <td>
                        <Link to={`/prompts/${encodeURIComponent(prompt.name)}`}>
                          {prompt.name}
                        </Link>
                      </td>
                      <td>v{prompt.latest_version}</td>
                      <td className="row">
                        {prompt.aliases.map((alias) => (
                          <span key={alias.alias} className="badge">
                            @{alias.alias} → v{alias.version}
                          </span>
                        ))}
                      </td>
                      <td>{formatTime(prompt.last_updated_timestamp)}</td>
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
