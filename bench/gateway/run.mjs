// Gateway bench: a zero-latency fake provider, a bare node:http keep-alive proxy (the floor), a
// JSON proxy (the floor plus a gateway's minimum JSON work, for reference) and Cairn's gateway
// (routing, limits, budgets and trace logging on), measured A B A B on loopback.
// Usage: node bench/gateway/run.mjs [--duration 10] [--rounds 2] [--soak 600] [--no-build] [--json]
//          [--portkey /path/to/node_modules/@portkey-ai/gateway/build/start-server.js]
import { execFileSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort } from '../lib/cairn-server.mjs';
import { benchRoutesYaml } from './fixtures.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    'no-build': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    soak: { type: 'string', default: '0' },
    // Path to Portkey's start-server.js (npm @portkey-ai/gateway, installed outside the repo).
    portkey: { type: 'string' },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
if (!values['no-build']) {
  process.stderr.write('building the CLI and gateway (tsc -b packages/cli)…\n');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', join(root, 'packages', 'cli')],
    { cwd: root, stdio: 'inherit' },
  );
}

const body = JSON.stringify({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hello there, how are you?' }],
  max_tokens: 50,
});
const streamBody = JSON.stringify({
  model: 'chat',
  messages: [{ role: 'user', content: 'Hello there' }],
  stream: true,
});

function start(script, args = [], execArgv = []) {
  const child = fork(join(here, script), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.once('message', (message) => resolve({ child, port: message.port }));
  });
}

function stats(child) {
  if (!child.send) return procStats(child.pid);
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('stats');
  });
}

/** CPU and RSS of a child without an IPC channel (Portkey), from /proc. */
async function procStats(pid) {
  const { readFile } = await import('node:fs/promises');
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))[1]);
  // Clock ticks are 1/100 s on Linux; report microseconds like process.cpuUsage.
  return { cpu: { user: ticks * 10_000, system: 0 }, rss: rssKb * 1024 };
}

/**
 * `cairn gateway --config` as users run it, with the bench route (two-target fallback, limits and
 * budgets high enough never to trigger, trace logging to the fake provider). Started the way the
 * CLI re-runs itself to serve (its V8 flags and malloc settings), so this child is the one
 * serving; its CPU and RSS are read from /proc, and its warnings about dropped log records from
 * its stderr.
 */
async function startCairn(upstreamPort) {
  const { gatewayV8Flags, mallocEnvOf } = await import(
    '../../packages/cli/dist/server-launcher.js'
  );
  const dir = mkdtempSync(join(tmpdir(), 'cairn-gateway-bench-'));
  const config = join(dir, 'gateway.yaml');
  writeFileSync(config, benchRoutesYaml(`http://127.0.0.1:${upstreamPort}`));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...gatewayV8Flags,
      join(root, 'packages', 'cli', 'bin', 'cairn.js'),
      'gateway',
      '--config',
      config,
      '--port',
      String(port),
      '--tracking-uri',
      `http://127.0.0.1:${upstreamPort}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...mallocEnvOf('gateway'), KEY: 'sk-bench-key-0000000000' },
    },
  );
  const cairn = { child, port, dropped: 0, dir };
  child.stderr.on('data', (data) => {
    const text = String(data);
    process.stderr.write(text);
    const dropped = /(\d+) record\(s\) dropped/.exec(text);
    if (dropped) cairn.dropped += Number(dropped[1]);
  });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`cairn gateway exited with ${code}`)));
    child.stdout.on('data', (data) => {
      if (String(data).includes('listening on')) resolve();
    });
  });
  return cairn;
}

async function startPortkey(path, upstreamPort) {
  const port = 18_787;
  const child = spawn(process.execPath, [path, `--port=${port}`, '--headless'], {
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) break;
  }
  const headers = {
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
    authorization: 'Bearer sk-bench',
  };
  return { child, port, headers };
}

/** Sequential requests for `seconds` over one keep-alive socket: precise latency percentiles. */
async function sequentialLatency(
  port,
  seconds,
  payload = body,
  firstByte = false,
  extraHeaders = {},
) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    samples.push(
      await new Promise((resolve, reject) => {
        const started = performance.now();
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/chat/completions',
            agent,
            headers: {
              ...extraHeaders,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (response) => {
            let first;
            response.on('data', () => {
              first ??= performance.now() - started;
            });
            if (response.statusCode !== 200) failed++;
            response.on('end', () => resolve(firstByte ? first : performance.now() - started));
          },
        );
        request.on('error', reject);
        request.end(payload);
      }),
    );
  }
  agent.destroy();
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(samples.length * 0.5)],
    p99: samples[Math.floor(samples.length * 0.99)],
    count: samples.length,
    failed,
  };
}

async function load(port, connections, seconds, extraHeaders = {}) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST',
    headers: { ...extraHeaders, 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function measure(name, port, child, headers = {}, streaming = true) {
  const c1 = await sequentialLatency(port, duration / 2, body, false, headers);
  const ttfb = streaming
    ? await sequentialLatency(port, Math.max(1, duration / 4), streamBody, true, headers)
    : { p50: undefined };
  const before = await stats(child);
  const c64 = await load(port, 64, duration, headers);
  const after = await stats(child);
  const cpuMicros = after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
  return {
    name,
    p50c1: c1.p50,
    ttfb: ttfb.p50,
    rps: c64.rps,
    p99c64: c64.p99,
    cpuPerRequestUs: cpuMicros / Math.max(1, c64.total),
    rssMb: after.rss / 1e6,
    failures: c64.non2xx + c64.errors + c1.failed + (ttfb.failed ?? 0),
  };
}

const provider = await start('fake-provider.mjs');
const bare = await start('bare-proxy.mjs', [String(provider.port)]);
const jsonProxy = await start('json-proxy.mjs', [String(provider.port)]);
const cairn = await startCairn(provider.port);
const portkey = values.portkey ? await startPortkey(values.portkey, provider.port) : undefined;
// Warm up JITs, heaps and keep-alive pools at the measured load before measuring: a shorter,
// lighter warm-up left the first measured round of the bare proxy ~40% slower than the next.
for (const port of [provider.port, bare.port, jsonProxy.port, cairn.port]) await load(port, 64, 4);
if (portkey) await load(portkey.port, 16, 2, portkey.headers);
const direct = await sequentialLatency(provider.port, duration / 2);
const directTtfb = await sequentialLatency(
  provider.port,
  Math.max(1, duration / 4),
  streamBody,
  true,
);

const results = { bare: [], 'json-proxy': [], cairn: [], ...(portkey ? { portkey: [] } : {}) };
for (let round = 0; round < rounds; round++) {
  results.bare.push(await measure('bare', bare.port, bare.child));
  // The JSON proxy has no streaming path: only its plain calls are measured.
  results['json-proxy'].push(
    await measure('json-proxy', jsonProxy.port, jsonProxy.child, {}, false),
  );
  results.cairn.push(await measure('cairn', cairn.port, cairn.child));
  // Portkey 1.15's streaming path fails against the fake (500), so only its plain calls are measured.
  if (portkey)
    results.portkey.push(
      await measure('portkey', portkey.port, portkey.child, portkey.headers, false),
    );
}
// Optional soak: load Cairn for --soak seconds and sample its RSS, to see whether it grows.
const soakSeconds = Number(values.soak);
const soak = [];
if (soakSeconds > 0) {
  const loading = load(cairn.port, 64, soakSeconds);
  for (let elapsed = 0; elapsed < soakSeconds; elapsed += 10) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(10, soakSeconds - elapsed) * 1000));
    soak.push((await stats(cairn.child)).rss / 1e6);
  }
  await loading;
}
// Cairn first, while the provider still takes its last log upload.
const cairnExited = new Promise((resolve) =>
  cairn.child.removeAllListeners('exit').once('exit', resolve),
);
cairn.child.kill();
await cairnExited;
rmSync(cairn.dir, { recursive: true });
for (const { child } of [provider, bare, jsonProxy, ...(portkey ? [portkey] : [])])
  child.removeAllListeners('exit').kill();

const median = (rows, key) => {
  const sorted = rows.map((row) => row[key]).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const summary = Object.fromEntries(
  Object.entries(results).map(([name, rows]) => [
    name,
    Object.fromEntries(
      ['p50c1', 'ttfb', 'rps', 'p99c64', 'cpuPerRequestUs', 'rssMb', 'failures'].map((key) => [
        key,
        median(rows, key),
      ]),
    ),
  ]),
);
const added = (name) => summary[name].p50c1 - direct.p50;
const addedTtfb = (name) =>
  summary[name].ttfb === undefined ? undefined : summary[name].ttfb - directTtfb.p50;
const checks = [
  [
    'throughput c=64 ≥ 0.8× bare',
    summary.cairn.rps / summary.bare.rps,
    summary.cairn.rps / summary.bare.rps >= 0.8,
  ],
  [
    'CPU/request ≤ 1.3× bare',
    summary.cairn.cpuPerRequestUs / summary.bare.cpuPerRequestUs,
    summary.cairn.cpuPerRequestUs / summary.bare.cpuPerRequestUs <= 1.3,
  ],
  [
    'added p50 c=1 within 0.2 ms of bare',
    added('cairn') - added('bare'),
    added('cairn') - added('bare') <= 0.2,
  ],
  [
    'p99 c=64 ≤ 1.5× bare',
    summary.cairn.p99c64 / summary.bare.p99c64,
    summary.cairn.p99c64 / summary.bare.p99c64 <= 1.5,
  ],
  [
    'streaming TTFB added ≤ 0.5 ms vs bare',
    addedTtfb('cairn') - addedTtfb('bare'),
    addedTtfb('cairn') - addedTtfb('bare') <= 0.5,
  ],
  ['RSS ≤ 120 MB', summary.cairn.rssMb, summary.cairn.rssMb <= 120],
  ...(summary.portkey
    ? [
        [
          'throughput c=64 ≥ 6× Portkey',
          summary.cairn.rps / summary.portkey.rps,
          summary.cairn.rps / summary.portkey.rps >= 6,
        ],
      ]
    : []),
];

if (values.json) {
  console.log(
    JSON.stringify({ duration, rounds, direct, directTtfb, results, summary, checks }, null, 2),
  );
} else {
  const fmt = (value, digits = 2) =>
    value === undefined || Number.isNaN(value) ? '-' : Number(value).toFixed(digits);
  console.log(
    `\nGateway bench (loopback, zero-latency fake provider, ${duration} s cells, ${rounds} rounds A B A B, medians)`,
  );
  console.log(
    `direct to provider: p50 c=1 ${fmt(direct.p50, 3)} ms, streaming TTFB ${fmt(directTtfb.p50, 3)} ms`,
  );
  console.log(
    '\n| server | added p50 c=1 (ms) | added TTFB (ms) | req/s c=64 | p99 c=64 (ms) | CPU/req (µs) | RSS (MB) | failures |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const name of Object.keys(summary)) {
    const row = summary[name];
    console.log(
      `| ${name} | ${fmt(added(name), 3)} | ${fmt(addedTtfb(name), 3)} | ${fmt(row.rps, 0)} | ${fmt(row.p99c64, 0)} | ${fmt(row.cpuPerRequestUs, 0)} | ${fmt(row.rssMb, 0)} | ${row.failures} |`,
    );
  }
  console.log('\n| target | measured | met |');
  console.log('|---|---|---|');
  for (const [name, value, met] of checks)
    console.log(`| ${name} | ${fmt(value, 3)} | ${met ? 'yes' : 'NO'} |`);
  console.log(`\nlog records the gateway warned it dropped: ${cairn.dropped}`);
  if (soak.length > 0) {
    const trace = soak.map((mb) => mb.toFixed(0)).join(' ');
    console.log(`soak ${soakSeconds} s at c=64, Cairn RSS every 10 s (MB): ${trace}`);
  }
}
