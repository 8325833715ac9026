// A small keep-alive JSON client over node:http, so the load generator costs little CPU.
import { Agent, request } from 'node:http';

/** A JSON client for one server, reusing up to `maxSockets` keep-alive connections. */
export function jsonClient(baseUrl, { maxSockets = 16 } = {}) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets });

  /** Sends one request; resolves with status, parsed body and latency in milliseconds. */
  function send(method, path, body) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: payload
            ? { 'content-type': 'application/json', 'content-length': payload.length }
            : {},
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
            let parsed;
            try {
              parsed = text === '' ? {} : JSON.parse(text);
            } catch {
              parsed = text;
            }
            resolve({ status: response.statusCode, body: parsed, latencyMs });
          });
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** POSTs JSON and throws unless the answer is 200. */
  async function post(path, body) {
    const result = await send('POST', path, body);
    if (result.status !== 200) {
      throw new Error(`POST ${path} answered ${result.status}: ${JSON.stringify(result.body)}`);
    }
    return result;
  }

  return { send, post, close: () => agent.destroy() };
}

/** The p-th percentile (0..100) of a list of numbers, by nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Creates an experiment with a unique name and one run in it; returns both ids. */
export async function createExperimentAndRun(client, label) {
  const name = `bench-${label}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;
  const { body } = await client.post('/api/2.0/mlflow/experiments/create', { name });
  const run = await client.post('/api/2.0/mlflow/runs/create', {
    experiment_id: body.experiment_id,
    start_time: Date.now(),
  });
  return { experimentId: body.experiment_id, runId: run.body.run.info.run_id };
}
