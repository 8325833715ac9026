// Runs every benchmark on SQLite (and PostgreSQL when given) and prints one table.
// Usage: node bench/run-all.mjs [--postgres postgresql://postgres@127.0.0.1:5432/test] [--duration s]
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, printTable, runOnBackends } from './lib/bench-main.mjs';
import { logBatchBenchmark } from './log-batch.mjs';
import { logMetricBenchmark } from './log-metric.mjs';
import { registryBenchmark } from './registry.mjs';
import { searchRunsBenchmark } from './search-runs.mjs';
import { tracingIngestBenchmark } from './tracing-ingest.mjs';

// Quick benchmarks that need no Cairn server (< 30 s each); they print their own tables.
// The slow ones (tracing-search, dashboards, ui-runs-page, gateway/run) are separate commands in
// bench/README.md.
const standalone = ['evaluation-metrics.mjs', 'evaluation-runner.mjs', 'sdk-span-overhead.mjs'];

const argv = process.argv.slice(2);
const skipBuild = argv.includes('--no-build');
const options = benchOptions(argv.filter((arg) => arg !== '--no-build'));

// The benchmarks spawn the built CLI, so measure the current sources, not a stale dist/.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!skipBuild) {
  process.stderr.write('building (tsc -b)…\n');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    // A type error elsewhere should not block a measurement, but say what is being measured.
    process.stderr.write('WARNING: the build failed; benchmarking the existing dist/ output.\n');
  }
}

const started = performance.now();
const rows = [
  ...(await runOnBackends('log-batch', logBatchBenchmark, options)),
  ...(await runOnBackends('log-metric', logMetricBenchmark, options)),
  ...(await runOnBackends('search-runs', searchRunsBenchmark, options)),
  ...(await runOnBackends('tracing-ingest', tracingIngestBenchmark, options)),
  ...(await runOnBackends('registry', registryBenchmark, options)),
];
if (options.json) console.log(JSON.stringify(rows, null, 2));
else printTable(rows);
let standaloneFailed = false;
// --json keeps stdout one JSON document, so the standalone ones run only in the text report.
for (const script of options.json ? [] : standalone) {
  console.log(`\n${script}`);
  const result = spawnSync(process.execPath, [join(root, 'bench', script)], { stdio: 'inherit' });
  if (result.status !== 0) standaloneFailed = true;
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (rows.some((row) => row.passed === false) || standaloneFailed) process.exitCode = 1;
