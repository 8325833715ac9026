import { api } from '../api/client';
import { formatCost, formatDuration, formatNumber } from '../lib/format';
import { useApi } from '../lib/use-api';
import { listArtifacts } from './artifact-browser';
import { Async, Empty } from './states';

interface Interaction {
  model?: string;
  provider?: string | null;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
    source?: string;
  };
  cost_usd?: number | null;
  latency_ms?: number;
  user?: string | null;
  session?: string | null;
  started_at?: string;
}

interface LlmCall {
  dir: string;
  prompt: string;
  response: string;
  interaction: Interaction;
}

const text = (runId: string, path: string) =>
  api.text('/get-artifact', { run_id: runId, path }).catch(() => '');

/** Finds the calls `logLlmCall` wrote: at the run's root, then under `llm_calls/<n>/`. */
export async function loadLlmCalls(runId: string): Promise<LlmCall[]> {
  const root = await listArtifacts(runId);
  const dirs: string[] = [];
  if (root.some((file) => file.path === 'interaction_metadata.json')) dirs.push('');
  if (root.some((file) => file.path === 'llm_calls' && file.is_dir)) {
    const nested = await listArtifacts(runId, 'llm_calls');
    dirs.push(
      ...nested
        .filter((file) => file.is_dir)
        .map((file) => file.path)
        .sort((a, b) => Number(a.split('/').pop()) - Number(b.split('/').pop())),
    );
  }
  return Promise.all(
    dirs.map(async (dir) => {
      const at = (name: string) => (dir ? `${dir}/${name}` : name);
      const [prompt, response, metadata] = await Promise.all([
        text(runId, at('prompt.txt')),
        text(runId, at('response.txt')),
        text(runId, at('interaction_metadata.json')),
      ]);
      let interaction: Interaction = {};
      try {
        interaction = JSON.parse(metadata) as Interaction;
      } catch {
        // A call without readable metadata still shows its prompt and response.
      }
      return { dir, prompt, response, interaction };
    }),
  );
}

/** The LLM calls of a run: prompt, response, tokens, cost and latency. */
export function LlmCallView({ runId }: { runId: string }) {
  const state = useApi(() => loadLlmCalls(runId), [runId]);
  return (
    <Async state={state}>
      {(calls) =>
        calls.length === 0 ? (
          <Empty title="No LLM calls">This run was not logged with logLlmCall.</Empty>
        ) : (
          <div style={{ display: 'grid', gap: 14 }}>
            {calls.map((call, index) => (
              <div className="panel" key={call.dir} data-testid="llm-call">
                <div className="row" style={{ gap: 24, marginBottom: 10 }}>
                  <strong>Call {index + 1}</strong>
                  <Stat label="model" value={call.interaction.model ?? '—'} />
                  <Stat
                    label="prompt tokens"
                    value={formatNumber(call.interaction.usage?.prompt_tokens)}
                  />
                  <Stat
                    label="completion tokens"
                    value={formatNumber(call.interaction.usage?.completion_tokens)}
                  />
                  <Stat
                    label="total tokens"
                    value={formatNumber(call.interaction.usage?.total_tokens)}
                  />
                  <Stat label="cost" value={formatCost(call.interaction.cost_usd)} />
                  <Stat label="latency" value={formatDuration(call.interaction.latency_ms)} />
                  {call.interaction.user && <Stat label="user" value={call.interaction.user} />}
                </div>
                <div className="grid-2">
                  <div>
                    <h3>Prompt</h3>
                    <pre className="panel preview" style={{ maxHeight: 320 }}>
                      {call.prompt}
                    </pre>
                  </div>
                  <div>
                    <h3>Response</h3>
                    <pre className="panel preview" style={{ maxHeight: 320 }}>
                      {call.response}
                    </pre>
                  </div>
                </div>
              </div>
            ))}
          </div>
        )
      }
    </Async>
  );
}

/** A labelled number. */
export function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat">
      <span className="value" style={{ fontSize: 15 }}>
        {value}
      </span>
      <span className="label">{label}</span>
    </div>
  );
}
