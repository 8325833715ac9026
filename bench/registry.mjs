// Registry latency: alias resolution through REST (models:/name@alias, prompts:/name@alias),
// loadPrompt from the SDK cache, and model-version search over 10,000 versions.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mainFor } from './lib/bench-main.mjs';
import { jsonClient, percentile } from './lib/http-client.mjs';

const models = 100;
const versionsPerModel = 100;
const seedConcurrency = 16;
const iterations = 300;
const cachedLoads = 200_000;
const sdkEntry = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'packages',
  'sdk',
  'dist',
  'index.js',
);

/** Seeds 10,000 versions, then times alias lookups, cached prompt loads and searches. */
export async function registryBenchmark(server) {
  const client = jsonClient(server.baseUrl, { maxSockets: seedConcurrency });
  try {
    const seedStarted = performance.now();
    for (let m = 0; m < models; m++)
      await client.post('/api/2.0/mlflow/registered-models/create', { name: `model-${m}` });
    let next = 0;
    const seeder = async () => {
      while (next < models * versionsPerModel) {
        const index = next++;
        const name = `model-${index % models}`;
        await client.post('/api/2.0/mlflow/model-versions/create', {
          name,
          source: `mlflow-artifacts:/exported/${name}/${index}`,
          tags: [{ key: 'team', value: index % 10 === 0 ? 'search' : 'other' }],
        });
      }
    };
    await Promise.all(Array.from({ length: seedConcurrency }, seeder));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await client.post('/api/2.0/mlflow/registered-models/alias', {
      name: 'model-42',
      alias: 'champion',
      version: '50',
    });
    for (const template of ['v1 {{q}}', 'v2 {{q}}', 'v3 {{q}}'])
      await client.post('/api/2.0/cairn/prompts/create', { name: 'bench-prompt', template });
    await client.post('/api/2.0/mlflow/registered-models/alias', {
      name: 'bench-prompt',
      alias: 'production',
      version: '2',
    });

    const time = async (path) => {
      const latencies = [];
      for (let i = 0; i < iterations; i++) {
        const result = await client.send('GET', path);
        if (result.status !== 200) throw new Error(`${path} answered ${result.status}`);
        latencies.push(result.latencyMs);
      }
      return latencies;
    };
    const modelAlias = await time(
      '/api/2.0/mlflow/registered-models/alias?name=model-42&alias=champion',
    );
    const promptAlias = await time('/api/2.0/cairn/prompts/get?name=bench-prompt&alias=production');
    const filter = encodeURIComponent("name LIKE 'model-4%' and tags.team = 'search'");
    const filtered = await time(
      `/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=100`,
    );
    const check = await client.send(
      'GET',
      `/api/2.0/mlflow/model-versions/search?filter=${filter}&max_results=100`,
    );
    const unfiltered = await time('/api/2.0/mlflow/model-versions/search?max_results=100');

    const { PromptClient } = await import(pathToFileURL(sdkEntry).href);
    const prompts = new PromptClient({ trackingUri: server.baseUrl, cacheTtlMs: 600_000 });
    await prompts.loadPrompt('prompts:/bench-prompt@production');
    const started = process.hrtime.bigint();
    for (let i = 0; i < cachedLoads; i++)
      await prompts.loadPrompt('prompts:/bench-prompt@production');
    const cachedMicros = Number(process.hrtime.bigint() - started) / 1e3 / cachedLoads;

    const p50 = (values) => percentile(values, 50);
    return [
      {
        name: `registry: seed ${models * versionsPerModel} versions (${seedConcurrency} clients)`,
        measured: `${seedSeconds.toFixed(1)} s`,
        target: '',
      },
      {
        name: 'registry: models:/name@alias via REST, p50 (p95)',
        measured: `${p50(modelAlias).toFixed(2)} ms (${percentile(modelAlias, 95).toFixed(2)} ms)`,
        target: '≤ 2 ms',
        passed: p50(modelAlias) <= 2,
      },
      {
        name: 'registry: prompts:/name@alias via REST, p50 (p95)',
        measured: `${p50(promptAlias).toFixed(2)} ms (${percentile(promptAlias, 95).toFixed(2)} ms)`,
        target: '≤ 2 ms',
        passed: p50(promptAlias) <= 2,
      },
      {
        name: 'registry: loadPrompt from the SDK cache, mean',
        measured: `${cachedMicros.toFixed(2)} µs`,
        target: '≤ 10 µs',
        passed: cachedMicros <= 10,
      },
      {
        name: 'registry: version search (name LIKE + tag) over 10,000, p50 (p95)',
        measured: `${p50(filtered).toFixed(1)} ms (${percentile(filtered, 95).toFixed(1)} ms), ${check.body.model_versions?.length ?? 0} hits`,
        target: '≤ 30 ms',
        passed: p50(filtered) <= 30 && (check.body.model_versions?.length ?? 0) === 100,
      },
      {
        name: 'registry: unfiltered version search, first page of 100, p50',
        measured: `${p50(unfiltered).toFixed(1)} ms`,
        target: '≤ 30 ms',
        passed: p50(unfiltered) <= 30,
      },
    ];
  } finally {
    client.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await mainFor('registry', registryBenchmark);
}
