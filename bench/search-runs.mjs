// search-runs latency: seed 20,000 runs, then time a filtered, metric-ordered first page of 100.
import { fileURLToPath } from 'node:url';
import { formatNumber, mainFor, mlflowReference } from './lib/bench-main.mjs';
import { jsonClient, percentile } from './lib/http-client.mjs';

const runCount = 20_000;
const seedConcurrency = 16;
const iterations = 50;
const maxSearchSeconds = 60;
const targetP50Ms = 30;
const p1Values = ['x', 'y', 'z', 'w'];
const search = {
  filter: "metrics.m0 > 0.5 and params.p1 = 'x'",
  order_by: ['metrics.m0 DESC'],
  max_results: 100,
};

/** Seeds runs, times `runs/search`, checks the page is the right one, and returns result rows. */
export async function searchRunsBenchmark(server) {
  const client = jsonClient(server.baseUrl, { maxSockets: seedConcurrency });
  try {
    const { body } = await client.post('/api/2.0/mlflow/experiments/create', {
      name: `bench-search-${Date.now()}`,
    });
    const experimentId = body.experiment_id;
    const seeded = [];
    let next = 0;
    const seedStarted = performance.now();
    const seeder = async () => {
      while (next < runCount) {
        const index = next++;
        const created = await client.post('/api/2.0/mlflow/runs/create', {
          experiment_id: experimentId,
          run_name: `run-${index}`,
          start_time: Date.now(),
        });
        const runId = created.body.run.info.run_id;
        const metrics = Array.from({ length: 5 }, (_, key) => ({
          key: `m${key}`,
          value: Math.random(),
          timestamp: Date.now(),
          step: 0,
        }));
        const p1 = p1Values[index % p1Values.length];
        const params = [
          { key: 'p0', value: String(index) },
          { key: 'p1', value: p1 },
          { key: 'p2', value: `lr-${index % 7}` },
          { key: 'p3', value: String(index % 13) },
          { key: 'p4', value: 'constant' },
        ];
        await client.post('/api/2.0/mlflow/runs/log-batch', { run_id: runId, metrics, params });
        seeded.push({ runId, m0: metrics[0].value, p1 });
      }
    };
    await Promise.all(Array.from({ length: seedConcurrency }, seeder));
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const expected = seeded
      .filter((run) => run.m0 > 0.5 && run.p1 === 'x')
      .sort((a, b) => b.m0 - a.m0)
      .slice(0, search.max_results)
      .map((run) => run.runId);
    const request = { experiment_ids: [experimentId], ...search };
    const searchOnce = () => client.post('/api/2.0/mlflow/runs/search', request);

    const first = await searchOnce();
    const returned = (first.body.runs ?? []).map((run) => run.info.run_id);
    const correct = JSON.stringify(returned) === JSON.stringify(expected);
    for (let index = 0; index < 2; index++) await searchOnce();

    const latencies = [];
    const deadline = performance.now() + maxSearchSeconds * 1000;
    while (latencies.length < iterations && performance.now() < deadline) {
      latencies.push((await searchOnce()).latencyMs);
    }
    const p50 = percentile(latencies, 50);
    server.freezeMemory();

    // For scale: the unfiltered first page, as MLflow's UI asks for it.
    const unfiltered = [];
    for (let index = 0; index < 10; index++) {
      unfiltered.push(
        (
          await client.post('/api/2.0/mlflow/runs/search', {
            experiment_ids: [experimentId],
            max_results: 100,
          })
        ).latencyMs,
      );
    }
    return [
      {
        name: `search-runs: seed ${formatNumber(runCount)} runs (create + log-batch each)`,
        measured: `${seedSeconds.toFixed(1)} s (${formatNumber(runCount / seedSeconds)} runs/s)`,
        target: '',
      },
      {
        name: `search-runs: filtered, ordered page of 100, p50 / p99 (${latencies.length} searches)`,
        measured: `${p50.toFixed(1)} / ${percentile(latencies, 99).toFixed(1)} ms`,
        target: `p50 ≤ ${targetP50Ms} ms`,
        passed: p50 <= targetP50Ms,
        mlflow: mlflowReference.searchRuns,
      },
      {
        name: 'search-runs: page equals the expected top 100',
        measured: correct ? 'yes' : `no (${returned.length} runs, first ${returned[0] ?? '-'})`,
        target: 'yes',
        passed: correct,
      },
      {
        name: 'search-runs: unfiltered first page of 100, p50',
        measured: `${percentile(unfiltered, 50).toFixed(1)} ms`,
        target: '',
        mlflow: '≈160 ms',
      },
    ];
  } finally {
    client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('search-runs', searchRunsBenchmark);
}
