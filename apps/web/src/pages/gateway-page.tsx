import { api, cairn } from '../api/client';
import { JsonView } from '../components/json-tree';
import { Async } from '../components/states';
import { useApi } from '../lib/use-api';

/**
 * Gateway routes, targets and live health as the tracking server relays them
 * (`/api/2.0/cairn/gateway/status`). The gateway runs as its own process; until the server
 * exposes its state, this page shows "not available" rather than guessing.
 */
export default function GatewayPage() {
  const state = useApi(() => api.get<Record<string, unknown>>(`${cairn}/gateway/status`), []);
  return (
    <div>
      <h1>Gateway</h1>
      <div className="panel">
        <Async state={state}>{(data) => <JsonView value={data} />}</Async>
      </div>
    </div>
  );
}
