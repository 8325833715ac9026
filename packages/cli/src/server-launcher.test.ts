// The launcher as users meet it: the built CLI (`node packages/cli/bin/cairn.js server`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gatewayServes,
  gatewayV8Flags,
  hasSemiSpaceFlag,
  isInspecting,
  mallocEnvFor,
  mallocEnvOf,
  requestedWorkers,
  serverV8Flags,
  shouldRelaunch,
  v8FlagsFor,
  workerExecArgv,
  youngGenerationFlag,
} from './server-launcher.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'cairn.js');

describe('server launcher decisions', () => {
  it('reads --workers like the command does, flag over CAIRN_WORKERS', () => {
    expect(requestedWorkers([], {})).toBe(1);
    expect(requestedWorkers([], { CAIRN_WORKERS: '3' })).toBe(3);
    expect(requestedWorkers(['--workers', '2'], { CAIRN_WORKERS: '1' })).toBe(2);
    expect(requestedWorkers(['--workers=4'], {})).toBe(4);
    expect(requestedWorkers(['-w', '2'], {})).toBe(2);
    expect(requestedWorkers(['-w2'], {})).toBe(2);
    expect(requestedWorkers(['--workers', '1'], { CAIRN_WORKERS: '4' })).toBe(1);
    expect(requestedWorkers(['--workers', 'lots'], {})).toBe(1);
  });

  it("leaves a user's own semi-space size alone", () => {
    expect(hasSemiSpaceFlag([], undefined)).toBe(false);
    expect(hasSemiSpaceFlag(['--max-semi-space-size=8'], undefined)).toBe(true);
    expect(hasSemiSpaceFlag([], '--inspect --max_semi_space_size=2')).toBe(true);
    expect(workerExecArgv(['--enable-source-maps'])).toEqual([
      '--enable-source-maps',
      ...serverV8Flags,
    ]);
    expect(workerExecArgv(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
  });

  it("adds the server's malloc settings that the environment does not set", () => {
    expect(mallocEnvFor({})).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' });
    expect(mallocEnvFor({ MALLOC_ARENA_MAX: '8' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '65536' });
  });

  it('re-runs the server with those malloc settings and the gateway with none', () => {
    expect(mallocEnvOf('server', {})).toEqual(mallocEnvFor({}));
    expect(mallocEnvOf('gateway', {})).toEqual({});
  });

  it('relaunches a serving gateway, not --check nor the keys subcommands', () => {
    expect(gatewayServes(['--config', 'g.yaml', '--port', '5001'])).toBe(true);
    expect(gatewayServes(['-c', 'keys', '-h', '0.0.0.0'])).toBe(true);
    expect(gatewayServes(['--config', 'g.yaml', '--check'])).toBe(false);
    expect(gatewayServes(['keys', 'list', '--config', 'g.yaml'])).toBe(false);
    expect(gatewayServes(['--config', 'g.yaml', 'keys', 'create'])).toBe(false);
    expect(shouldRelaunch('gateway', ['--config', 'g.yaml'], { CAIRN_WORKERS: '4' })).toBe(true);
    expect(shouldRelaunch('gateway', ['--check'], {})).toBe(false);
    // The gateway's calls leave more short-lived garbage: larger semi-spaces than the server's.
    expect(v8FlagsFor('gateway')).toEqual(gatewayV8Flags);
    expect(v8FlagsFor('server')).toEqual(serverV8Flags);
    expect(shouldRelaunch('server', ['--workers', '2'], {})).toBe(false);
    expect(shouldRelaunch('runs', [], {})).toBe(false);
  });

  it('stays in the process being debugged', () => {
    expect(isInspecting([], undefined)).toBe(false);
    expect(isInspecting(['--inspect-brk=0'], undefined)).toBe(true);
    expect(isInspecting([], '--inspect')).toBe(true);
  });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const { child, exited } of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startServer(extra: string[] = []): Promise<Started & { baseUrl: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-launcher-'));
  dirs.push(dir);
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('CAIRN_') && name !== 'NODE_OPTIONS',
    ),
  );
  const child = spawn(
    process.execPath,
    [
      bin,
      'server',
      '--port',
      String(port),
      '--backend-store-uri',
      `sqlite:///${join(dir, 'c.db')}`,
      '--artifacts-destination',
      join(dir, 'a'),
      ...extra,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const entry = { child, output: () => output, exited };
  started.push(entry);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    if (await answers(baseUrl)) return { ...entry, baseUrl };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health within 15 s:\n${output}`);
}

async function answers(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health`)).ok;
  } catch {
    return false;
  }
}

function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
}

function environment(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
}

describe('cairn server launcher (built CLI)', () => {
  it('serves from one child running with the V8 flags, and stops on SIGINT with 0', async () => {
    const server = await startServer();
    const children = childPids(server.child.pid!);
    expect(children).toHaveLength(1);
    expect(commandLine(children[0]!)).toEqual(expect.arrayContaining([...serverV8Flags]));
    expect(commandLine(server.child.pid!)).not.toContain(youngGenerationFlag);
    expect(environment(children[0]!)).toEqual(
      expect.arrayContaining(['MALLOC_ARENA_MAX=2', 'MALLOC_MMAP_THRESHOLD_=65536']),
    );
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('takes its server down when the launcher is killed outright', async () => {
    const server = await startServer();
    const [serving] = childPids(server.child.pid!);
    server.child.kill('SIGKILL');
    await server.exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && alive(serving!)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(alive(serving!)).toBe(false);
    expect(await answers(server.baseUrl)).toBe(false);
  });

  it('gives --workers N workers the flags without a launcher in between', async () => {
    const server = await startServer(['--workers', '2']);
    const workers = childPids(server.child.pid!);
    expect(workers).toHaveLength(2);
    for (const pid of workers) {
      expect(commandLine(pid)).toEqual(expect.arrayContaining([...serverV8Flags]));
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});

describe('cairn gateway launcher (built CLI)', () => {
  it('serves from one child running with the V8 flags, and stops on SIGTERM with 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-launcher-'));
    dirs.push(dir);
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      'routes:\n  - name: chat\n    route_type: llm/v1/chat\n    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-test-0000 } }\n',
    );
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [bin, 'gateway', '--config', config, '--port', String(port)],
      {
        env: Object.fromEntries(
          Object.entries(process.env).filter(
            ([name]) => !name.startsWith('CAIRN_') && name !== 'NODE_OPTIONS',
          ),
        ),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    started.push({ child, output: () => output, exited });
    await expect
      .poll(() => output, { timeout: 15_000 })
      .toContain(`listening on http://127.0.0.1:${port}`);
    const children = childPids(child.pid!);
    expect(children).toHaveLength(1);
    expect(commandLine(children[0]!)).toEqual(expect.arrayContaining([...gatewayV8Flags]));
    expect(commandLine(children[0]!)).not.toContain(youngGenerationFlag);
    expect(commandLine(child.pid!)).not.toContain(gatewayV8Flags[0]);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
