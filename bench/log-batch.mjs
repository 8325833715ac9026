// log-batch throughput: one client sends 1,000 metrics per call, a few calls in flight, for 20 s.
import { fileURLToPath } from 'node:url';
import { formatNumber, mainFor, mlflowReference } from './lib/bench-main.mjs';
import { createExperimentAndRun, jsonClient, percentile } from './lib/http-client.mjs';

const metricsPerCall = 1000;
const inFlight = 4;
const defaultSeconds = 20;
const targetMetricsPerSecond = 200_000;

/** Drives log-batch against `server` and returns result rows. */
export async function logBatchBenchmark(server, options) {
  const seconds = Math.min(options.durationSeconds ?? defaultSeconds, 60);
  const client = jsonClient(server.baseUrl, { maxSockets: inFlight });
  try {
    const { runId } = await createExperimentAndRun(client, 'log-batch');
    let call = 0;
    const nextBody = () => {
      // Ten keys x 100 steps per call, steps advancing each call: no two points are duplicates.
      const base = call++ * 100;
      const timestamp = Date.now();
      const metrics = new Array(metricsPerCall);
      for (let index = 0; index < metricsPerCall; index++) {
        metrics[index] = {
          key: `m${index % 10}`,
          value: Math.random(),
          timestamp,
          step: base + Math.floor(index / 10),
        };
      }
      return { run_id: runId, metrics };
    };
    // Warm up the connection pool and the server's JIT before timing.
    for (let index = 0; index < 5; index++)
      await client.post('/api/2.0/mlflow/runs/log-batch', nextBody());

    const latencies = [];
    let metricsLogged = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const { latencyMs } = await client.post('/api/2.0/mlflow/runs/log-batch', nextBody());
        latencies.push(latencyMs);
        metricsLogged += metricsPerCall;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const rate = metricsLogged / elapsedSeconds;
    server.freezeMemory();

    // Check the points really landed: the history of one key holds every step sent.
    const history = await client.send(
      'GET',
      `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m0`,
    );
    const stored = history.body.metrics?.length ?? 0;
    const expected = (call * metricsPerCall) / 10;
    return [
      {
        name: `log-batch: metrics/s (${metricsPerCall}/call, ${inFlight} in flight, ${elapsedSeconds.toFixed(0)} s)`,
        measured: formatNumber(rate),
        target: `≥ ${formatNumber(targetMetricsPerSecond)}`,
        passed: rate >= targetMetricsPerSecond && stored === expected,
        mlflow: mlflowReference.logBatch,
      },
      {
        name: 'log-batch: call latency p50 / p99',
        measured: `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`,
        target: '',
      },
      {
        name: 'log-batch: points stored for key m0',
        measured: `${formatNumber(stored)} of ${formatNumber(expected)}`,
        target: 'all',
        passed: stored === expected,
      },
    ];
  } finally {
    client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('log-batch', logBatchBenchmark);
}
