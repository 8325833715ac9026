// What `cairn server` loads at start and what each dependency costs, to find the heavy ones.
// 1. Each package imported alone in a fresh Node process: RSS and V8 heap above a bare process.
// 2. The modules a started `cairn server` has loaded, summed by package (source bytes, which V8
//    keeps in its heap). The benchmarks report the server's RSS; this one does not (its module
//    hooks run on an extra thread).
// Usage: npm run build && node bench/startup-cost.mjs [--json]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './lib/cairn-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');

// Resolved from the package that depends on each, so nested installs are found too.
const candidates = [
  ['server', ['fastify', 'kysely', 'better-sqlite3', 'pg', 'prom-client', 'protobufjs/light.js']],
  ['server', ['@fastify/static', '@aws-sdk/client-s3', '@azure/storage-blob', '@cairn/evaluation']],
  ['evaluation', ['ajv', 'csv-parse/sync', 'cmu-pronouncing-dictionary', 'gpt-tokenizer']],
  ['cli', ['commander', 'yaml', 'diff', '@cairn/sdk', '@cairn/gateway', '@cairn/server']],
];

function importCost(fromDir, specifier) {
  const probe = `
    const before = (globalThis.gc(), process.memoryUsage());
    const started = performance.now();
    ${specifier ? `await import(${JSON.stringify(specifier)});` : ''}
    const ms = performance.now() - started;
    globalThis.gc(); globalThis.gc();
    const after = process.memoryUsage();
    console.log(JSON.stringify({ rss: after.rss, heap: after.heapUsed, ms, base: before.rss }));`;
  const runs = [1, 2, 3].map(() =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', probe], {
        cwd: fromDir,
      }).toString(),
    ),
  );
  return runs.sort((a, b) => a.rss - b.rss)[0];
}

const mb = (bytes) => bytes / 1048576;
const rows = [];
const bare = importCost(root, null);
for (const [pkg, specifiers] of candidates) {
  for (const specifier of specifiers) {
    try {
      const cost = importCost(join(root, 'packages', pkg), specifier);
      rows.push({
        module: specifier,
        rssMb: mb(cost.rss - bare.rss),
        heapMb: mb(cost.heap - bare.heap),
        ms: cost.ms,
      });
    } catch (error) {
      rows.push({ module: specifier, error: String(error.message).split('\n')[0] });
    }
  }
}

// The started server: record every ES module through a load hook, and CommonJS from the cache.
const work = mkdtempSync(join(tmpdir(), 'cairn-startup-'));
const hooks = join(work, 'hooks.mjs');
const listFile = join(work, 'loaded.tsv');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  const result = await next(url, context);
  const size = result.source ? Buffer.byteLength(result.source) : 0;
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(listFile)}, url + '\\t' + size + '\\n');
  return result;
}`,
);
const register = join(work, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';
import { createRequire } from 'node:module';
import { appendFileSync, statSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const require = createRequire(import.meta.url);
process.on('SIGUSR2', () => {
  const lines = Object.keys(require.cache).map((file) => 'file://' + file + '\\t' + statSync(file).size);
  appendFileSync(${JSON.stringify(listFile)}, lines.join('\\n') + '\\n');
  process.kill(process.pid, 'SIGTERM');
});`,
);
const port = await freePort();
// The young-generation flag is given here, so the CLI serves in this process (no launcher).
const server = spawn(
  process.execPath,
  [
    '--max-semi-space-size=4',
    '--import',
    pathToFileURL(register).href,
    join(root, 'packages', 'cli', 'bin', 'cairn.js'),
    'server',
    '--port',
    String(port),
    '--backend-store-uri',
    `sqlite:///${join(work, 'c.db')}`,
    '--artifacts-destination',
    join(work, 'artifacts'),
  ],
  { stdio: 'ignore' },
);
const exited = new Promise((resolve) => server.once('exit', resolve));
const deadline = Date.now() + 20_000;
for (;;) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
  } catch {
    if (Date.now() > deadline) throw new Error('cairn server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
await new Promise((resolve) => setTimeout(resolve, 2000));
server.kill('SIGUSR2');
await exited;
const byPackage = new Map();
const seen = new Set();
for (const line of readFileSync(listFile, 'utf8').split('\n')) {
  const [url, size] = line.split('\t');
  if (!url || seen.has(url)) continue;
  seen.add(url);
  const path = url.replace(`file://${root}/`, '');
  const inModules = path.lastIndexOf('node_modules/');
  let name;
  if (inModules >= 0) {
    const parts = path.slice(inModules + 'node_modules/'.length).split('/');
    name = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  } else name = path.split('/').slice(0, 2).join('/');
  const entry = byPackage.get(name) ?? { files: 0, kb: 0 };
  entry.files++;
  entry.kb += Number(size) / 1024;
  byPackage.set(name, entry);
}
rmSync(work, { recursive: true, force: true });
const loaded = [...byPackage].sort((a, b) => b[1].kb - a[1].kb);

if (json) {
  console.log(JSON.stringify({ bareRssMb: mb(bare.rss), imports: rows, loaded }, null, 2));
} else {
  console.log(`bare node: ${mb(bare.rss).toFixed(1)} MB RSS\n`);
  console.log(`${'import alone'.padEnd(30)} ${'+RSS MB'.padStart(8)} ${'+heap MB'.padStart(9)} ms`);
  for (const row of rows) {
    if (row.error) console.log(`${row.module.padEnd(30)} error: ${row.error}`);
    else
      console.log(
        `${row.module.padEnd(30)} ${row.rssMb.toFixed(1).padStart(8)} ${row.heapMb.toFixed(1).padStart(9)} ${row.ms.toFixed(0)}`,
      );
  }
  console.log(`\nmodules a started cairn server has loaded: ${seen.size}, by package:`);
  for (const [name, { files, kb }] of loaded.slice(0, 25)) {
    console.log(`${kb.toFixed(0).padStart(7)} KB ${String(files).padStart(4)} files  ${name}`);
  }
}
