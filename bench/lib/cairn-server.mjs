// Starts a `cairn server` child process for one benchmark and samples its memory from /proc.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliBin = join(repoRoot, 'packages', 'cli', 'bin', 'cairn.js');

/** Asks the kernel for a free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Reads VmRSS and VmHWM (kB) of a process; undefined once it is gone. */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * A metadata backend for one benchmark: a temporary SQLite file, or a fresh PostgreSQL database
 * created on the server `postgresUrl` names and dropped afterwards.
 */
export async function openBackend(kind, postgresUrl) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-db-'));
    return {
      name: 'sqlite',
      uri: `sqlite:///${join(dir, 'bench.db')}`,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { default: pg } = await import('pg');
  const name = `cairn_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement) => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  // The name is generated here from hex digits only, so it is safe to splice into DDL.
  await admin(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    uri: url.toString(),
    dispose: () => admin(`drop database if exists ${name} with (force)`),
  };
}

/**
 * Spawns `node packages/cli/bin/cairn.js server` on a free loopback port over `backend`, waits for
 * GET /health, and samples the server's RSS every 100 ms until `stop()`.
 */
export async function startCairnServer(backend) {
  const port = await freePort();
  const artifacts = mkdtempSync(join(tmpdir(), 'cairn-bench-artifacts-'));
  const child = spawn(
    process.execPath,
    [
      cliBin,
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--backend-store-uri',
      backend.uri,
      '--artifacts-destination',
      artifacts,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CAIRN_LOG_LEVEL: 'error' } },
  );
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, exited, () => output);

  // `cairn server` re-runs itself once with V8 flags (packages/cli/src/server-launcher.ts): the
  // process serving requests is then the launcher's only child. Measure that one, and report the
  // small launcher beside it.
  const serving = servingPid(child.pid);
  const idleRssMb = (readMemory(serving)?.rssKb ?? 0) / 1024;
  const launcherRssMb = serving === child.pid ? 0 : (readMemory(child.pid)?.rssKb ?? 0) / 1024;
  let peakRssKb = 0;
  const sample = () => {
    const memory = readMemory(serving);
    if (memory && memory.rssKb > peakRssKb) peakRssKb = memory.rssKb;
  };
  sample();
  const sampler = setInterval(sample, 100);
  sampler.unref();

  let frozen;
  return {
    baseUrl,
    pid: serving,
    /** RSS right after the server answered /health, before any load, in MB. */
    idleRssMb,
    /** RSS of the launcher process in front of the server (0 when there is none), in MB. */
    launcherRssMb,
    /** Peak VmRSS seen so far and the kernel's own high-water mark, in MB. */
    memory() {
      if (frozen) return frozen;
      sample();
      const memory = readMemory(serving);
      return { peakRssMb: peakRssKb / 1024, hwmMb: (memory?.hwmKb ?? 0) / 1024 };
    },
    /** Ends the measured phase: later checks (reading results back) do not count. */
    freezeMemory() {
      frozen = this.memory();
      return frozen;
    },
    async stop() {
      clearInterval(sampler);
      const memory = this.memory();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(artifacts, { recursive: true, force: true });
      return memory;
    },
  };
}

/** The launcher's only child when there is one (the serving process), else `pid` itself. */
function servingPid(pid) {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    return children.length === 1 && children[0] !== '' ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}

async function waitForHealth(baseUrl, exited, output) {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`cairn server exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`cairn server did not answer /health within 20 s:\n${output()}`);
}
