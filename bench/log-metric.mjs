// Single log-metric calls: 16 concurrent clients, each logging to its own run, for 10 s.
import { fileURLToPath } from 'node:url';
import { formatNumber, mainFor, mlflowReference } from './lib/bench-main.mjs';
import { createExperimentAndRun, jsonClient, percentile } from './lib/http-client.mjs';

const clients = 16;
const defaultSeconds = 10;
const targetCallsPerSecond = 3000;

/** Drives single log-metric calls against `server` and returns result rows. */
export async function logMetricBenchmark(server, options) {
  const seconds = Math.min(options.durationSeconds ?? defaultSeconds, 60);
  const client = jsonClient(server.baseUrl, { maxSockets: clients });
  try {
    const runIds = [];
    for (let index = 0; index < clients; index++) {
      runIds.push((await createExperimentAndRun(client, `log-metric-${index}`)).runId);
    }
    const logOne = (runId, step) =>
      client.post('/api/2.0/mlflow/runs/log-metric', {
        run_id: runId,
        key: 'loss',
        value: Math.random(),
        timestamp: Date.now(),
        step,
      });
    for (let step = 0; step < 20; step++) await logOne(runIds[step % clients], -1 - step);

    const latencies = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const worker = async (runId) => {
      let step = 0;
      while (performance.now() < deadline) {
        const { latencyMs } = await logOne(runId, step++);
        latencies.push(latencyMs);
      }
    };
    await Promise.all(runIds.map(worker));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const rate = latencies.length / elapsedSeconds;
    server.freezeMemory();
    return [
      {
        name: `log-metric: calls/s (${clients} clients, ${elapsedSeconds.toFixed(0)} s)`,
        measured: formatNumber(rate),
        target: `≥ ${formatNumber(targetCallsPerSecond)}`,
        passed: rate >= targetCallsPerSecond,
        mlflow: mlflowReference.logMetric,
      },
      {
        name: 'log-metric: latency p50 / p99',
        measured: `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`,
        target: '',
        mlflow: 'p50 12–14 ms',
      },
    ];
  } finally {
    client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('log-metric', logMetricBenchmark);
}
