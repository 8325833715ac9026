// Runs every benchmark on SQLite (and PostgreSQL when given) and prints one table.
// Usage: node bench/run-all.mjs [--postgres postgresql://postgres@127.0.0.1:5432/test] [--duration s]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, printTable, runOnBackends } from './lib/bench-main.mjs';
import { logBatchBenchmark } from './log-batch.mjs';
import { logMetricBenchmark } from './log-metric.mjs';
import { searchRunsBenchmark } from './search-runs.mjs';

const argv = process.argv.slice(2);
const skipBuild = argv.includes('--no-build');
const options = benchOptions(argv.filter((arg) => arg !== '--no-build'));

// The benchmarks spawn the built CLI, so measure the current sources, not a stale dist/.
if (!skipBuild) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
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
];
if (options.json) console.log(JSON.stringify(rows, null, 2));
else printTable(rows);
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (rows.some((row) => row.passed === false)) process.exitCode = 1;
