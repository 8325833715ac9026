// Shared driver: parses flags, runs one benchmark per backend against its own server, prints a table.
import { parseArgs } from 'node:util';
import { openBackend, startCairnServer } from './cairn-server.mjs';

/** MLflow 2.17.2's own numbers on this machine class (2 cores, SQLite), for comparison. */
export const mlflowReference = {
  logBatch: '5,400–6,300 metrics/s',
  logMetric: '67–78 calls/s (p50 12–14 ms)',
  searchRuns: '≈15 s median',
  rss: '≈620 MB idle, ≈790–830 MB peak',
};

/** Server RSS budget for every benchmark, in MB. */
export const rssTargetMb = 150;

/** Reads the flags every benchmark script shares. */
export function benchOptions(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      postgres: { type: 'string' },
      'sqlite-only': { type: 'boolean', default: false },
      duration: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const postgresUrl = values['sqlite-only']
    ? undefined
    : (values.postgres ?? env.CAIRN_BENCH_POSTGRES_URL ?? undefined);
  for (const url of [postgresUrl]) {
    if (url && !/^postgres(ql)?:\/\/[^/]*(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) {
      throw new Error('Benchmarks only talk to loopback; give a postgresql://…@127.0.0.1/… URL.');
    }
  }
  return {
    backends: postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'],
    postgresUrl,
    durationSeconds: values.duration === undefined ? undefined : Number(values.duration),
    json: values.json,
  };
}

/**
 * Runs `benchmark(server, options)` once per backend, each against a fresh server and database,
 * and returns result rows with the server's memory appended.
 */
export async function runOnBackends(label, benchmark, options) {
  const rows = [];
  for (const kind of options.backends) {
    const backend = await openBackend(kind, options.postgresUrl);
    let server;
    try {
      server = await startCairnServer(backend);
      process.stderr.write(`[${label} on ${kind}] server pid ${server.pid} at ${server.baseUrl}\n`);
      const { idleRssMb, launcherRssMb } = server;
      const results = await benchmark(server, { ...options, backend: kind });
      const memory = await server.stop();
      server = undefined;
      for (const result of results) rows.push({ backend: kind, ...result });
      rows.push({
        backend: kind,
        name: `${label}: server RSS peak (VmHWM; idle${launcherRssMb ? '; launcher' : ''})`,
        measured: `${memory.peakRssMb.toFixed(0)} MB (${memory.hwmMb.toFixed(0)} MB; idle ${idleRssMb.toFixed(0)} MB${launcherRssMb ? `; ${launcherRssMb.toFixed(0)} MB` : ''})`,
        target: `≤ ${rssTargetMb} MB`,
        passed: Math.max(memory.peakRssMb, memory.hwmMb) <= rssTargetMb,
        mlflow: mlflowReference.rss,
      });
    } finally {
      if (server) await server.stop();
      await backend.dispose();
    }
  }
  return rows;
}

/** Prints result rows as an aligned text table. */
export function printTable(rows) {
  const header = ['benchmark', 'backend', 'measured', 'target', 'ok', 'MLflow 2.17.2'];
  const lines = rows.map((row) => [
    row.name,
    row.backend,
    row.measured,
    row.target,
    row.passed === undefined ? '' : row.passed ? 'yes' : 'NO',
    row.mlflow ?? '',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => String(line[column]).length)),
  );
  const format = (cells) =>
    cells.map((cell, column) => String(cell).padEnd(widths[column])).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

/** Entry point for a benchmark script run on its own. */
export async function mainFor(label, benchmark) {
  const options = benchOptions();
  const rows = await runOnBackends(label, benchmark, options);
  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else printTable(rows);
  if (rows.some((row) => row.passed === false)) process.exitCode = 1;
}

/** Formats a number with thousands separators. */
export function formatNumber(value, digits = 0) {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
