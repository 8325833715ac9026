// Spawns the built CLI (`node packages/cli/bin/cairn.js server`), as users run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cairnVersion } from '@cairn/server';
import { afterEach, describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'cairn.js');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
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

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-server-cli-'));
  dirs.push(dir);
  return dir;
}

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

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Started {
  // Start from an environment without Cairn settings, so only what the test gives counts.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('CAIRN_')),
  );
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const entry = { child, output: () => output, exited };
  started.push(entry);
  return entry;
}

async function waitForHealth(baseUrl: string, server: Started): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.output()}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health within 15 s:\n${server.output()}`);
}

function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

describe('cairn server (built CLI)', () => {
  it('serves /health and /version on the given port, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dir = tempDir();
    const server = startCli([
      'server',
      '--port',
      String(port),
      '--backend-store-uri',
      `sqlite:///${join(dir, 'flags.db')}`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
    ]);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, server);
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.text()).toBe('OK');
    const version = await fetch(`${baseUrl}/version`);
    expect(version.status).toBe(200);
    expect(await version.text()).toBe(cairnVersion);
    expect(server.output()).toContain(`Cairn server listening on http://127.0.0.1:${port}`);
    expect(existsSync(join(dir, 'flags.db'))).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('takes every setting from CAIRN_* variables and runs CAIRN_WORKERS workers', async () => {
    const port = await freePort();
    const dir = tempDir();
    const server = startCli(['server'], {
      CAIRN_HOST: '127.0.0.1',
      CAIRN_PORT: String(port),
      CAIRN_BACKEND_STORE_URI: `sqlite:///${join(dir, 'env.db')}`,
      CAIRN_ARTIFACTS_DESTINATION: join(dir, 'env-artifacts'),
      CAIRN_WORKERS: '2',
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, server);
    expect(server.output()).toContain('with 2 workers');
    expect(childPids(server.child.pid!)).toHaveLength(2);
    expect(existsSync(join(dir, 'env.db'))).toBe(true);

    // Writes reach the SQLite file the environment named, and artifacts its directory.
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const response = await fetch(`${baseUrl}/api/2.0/mlflow${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as T;
    };
    const { experiment_id } = await post<{ experiment_id: string }>('/experiments/create', {
      name: 'env-exp',
    });
    const { run } = await post<{ run: { info: { run_id: string } } }>('/runs/create', {
      experiment_id,
    });
    const upload = await fetch(
      `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run.info.run_id}/artifacts/hello.txt`,
      { method: 'PUT', body: 'hi' },
    );
    expect(upload.status).toBe(200);
    expect(
      readFileSync(
        join(dir, 'env-artifacts', experiment_id, run.info.run_id, 'artifacts', 'hello.txt'),
        'utf8',
      ),
    ).toBe('hi');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('answers concurrent writes from 2 workers on one SQLite file without errors', async () => {
    const port = await freePort();
    const dir = tempDir();
    const server = startCli(
      [
        'server',
        '--workers',
        '2',
        '--port',
        String(port),
        '--backend-store-uri',
        `sqlite:///${join(dir, 'c.db')}`,
      ],
      { CAIRN_ARTIFACTS_DESTINATION: join(dir, 'a') },
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, server);
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        fetch(`${baseUrl}/api/2.0/mlflow/experiments/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `concurrent-${index}` }),
        }).then(async (response) => `${response.status} ${await response.text()}`),
      ),
    );
    expect(replies.filter((reply) => !reply.startsWith('200 '))).toEqual([]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('runs --workers 2 from the flag, and the flag wins over CAIRN_PORT', async () => {
    const port = await freePort();
    const dir = tempDir();
    const server = startCli(
      [
        'server',
        '--workers',
        '2',
        '--port',
        String(port),
        '--backend-store-uri',
        `sqlite:///${join(dir, 'w.db')}`,
      ],
      { CAIRN_PORT: '1', CAIRN_ARTIFACTS_DESTINATION: join(dir, 'a') },
    );
    await waitForHealth(`http://127.0.0.1:${port}`, server);
    expect(childPids(server.child.pid!)).toHaveLength(2);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('fails fast with one line when the store cannot be opened, with or without workers', async () => {
    const dir = tempDir();
    for (const extra of [[], ['--workers', '2']]) {
      const server = startCli([
        'server',
        '--port',
        String(await freePort()),
        '--backend-store-uri',
        'mysql://user:secret@127.0.0.1/db',
        '--artifacts-destination',
        join(dir, 'a'),
        ...extra,
      ]);
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(
        /^cairn: Unsupported backend store URI 'mysql:\/\/user:\*\*\*@/m,
      );
      expect(server.output()).not.toContain('secret');
    }
  });

  it('mounts the gateway named by CAIRN_GATEWAY_CONFIG; its calls are stored before it exits', async () => {
    const provider = createHttpServer((request, response) => {
      request.resume();
      request.on('end', () =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'c1',
            object: 'chat.completion',
            created: 1,
            model: 'gpt-4o-mini',
            choices: [{ index: 0, message: { role: 'assistant', content: 'pong' } }],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const providerPort = (provider.address() as { port: number }).port;
    const dir = tempDir();
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      `routes:\n  - name: chat\n    route_type: llm/v1/chat\n    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: sk-fake, openai_api_base: "http://127.0.0.1:${providerPort}/v1" } }\n`,
    );
    const port = await freePort();
    const args = ['server', '--port', String(port), '--backend-store-uri'];
    const env = { CAIRN_ARTIFACTS_DESTINATION: join(dir, 'a'), CAIRN_GATEWAY_CONFIG: config };
    const server = startCli([...args, `sqlite:///${join(dir, 'g.db')}`], env);
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, server);
    expect(server.output()).toContain(`gateway ${config}`);
    const completion = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cairn-user': 'carol' },
      body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'ping' }] }),
    });
    expect(completion.status).toBe(200);
    await completion.body?.cancel();
    // Stopped at once: the queued call record is flushed to the store on the way out.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    provider.close();

    const again = startCli([...args, `sqlite:///${join(dir, 'g.db')}`], {
      CAIRN_ARTIFACTS_DESTINATION: join(dir, 'a'),
    });
    await waitForHealth(baseUrl, again);
    const experiment = (await (
      await fetch(`${baseUrl}/api/2.0/mlflow/experiments/get-by-name?experiment_name=gateway`)
    ).json()) as { experiment: { experiment_id: string } };
    const search = (await (
      await fetch(
        `${baseUrl}/api/2.0/cairn/traces/search?experiment_ids=${experiment.experiment.experiment_id}`,
      )
    ).json()) as { traces: { name: string; trace_metadata: Record<string, string> }[] };
    expect(
      search.traces.map((trace) => [trace.name, trace.trace_metadata['mlflow.trace.user']]),
    ).toEqual([['chat', 'carol']]);
    const status = await fetch(`${baseUrl}/api/2.0/cairn/gateway/status`);
    expect(await status.json()).toMatchObject({ mounted: false });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
