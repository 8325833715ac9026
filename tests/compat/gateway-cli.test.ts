// `cairn gateway` as users run it (the built CLI in a child process): --check, serving the openai
// SDK, virtual keys issued and revoked by `cairn gateway keys` while it runs, and reload on edit.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOpenAIServer,
  startFakeOpenAI,
} from '../../packages/gateway/src/test-kit/fake-openai-server.js';

const bin = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'cli',
  'bin',
  'cairn.js',
);
const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'cairn-gateway-cli-'));
const configPath = join(directory, 'gateway.yaml');
const upstreamKey = 'sk-cli-upstream-0123456789';
const env = { ...process.env, UPSTREAM_KEY: upstreamKey };
let fake: FakeOpenAIServer;
let gateway: ChildProcess | undefined;
let output = '';

function config(routeName: string, auth: boolean): string {
  return `${auth ? 'auth: { virtual_keys: true }\n' : ''}routes:
  - name: ${routeName}
    route_type: llm/v1/chat
    model:
      provider: openai
      name: gpt-4o-mini
      config: { openai_api_key: $UPSTREAM_KEY, openai_api_base: ${fake.baseUrl} }
`;
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

const cli = (...args: string[]) => run(process.execPath, [bin, ...args], { env });

beforeAll(async () => {
  fake = await startFakeOpenAI('cli-upstream');
});
afterAll(async () => {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGTERM');
    await new Promise((resolve) => gateway!.once('exit', resolve));
  }
  await fake.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('cairn gateway (built CLI)', () => {
  it('--check names the line and field of a bad config, and exits 1', async () => {
    writeFileSync(configPath, `${config('chat', false)}    strategy: sideways\n`);
    const failure = await cli('gateway', '--config', configPath, '--check').catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toContain(
      'line 8, field routes[0].strategy: must be one of fallback',
    );
    writeFileSync(configPath, config('chat', false));
    const ok = await cli('gateway', '--config', configPath, '--check');
    expect(ok.stdout).toContain('is valid: 1 route(s): chat');
  });

  it('serves the openai SDK with keys managed by `cairn gateway keys`, and reloads on edit', async () => {
    writeFileSync(configPath, config('chat', true));
    const port = await freePort();
    gateway = spawn(
      process.execPath,
      [bin, 'gateway', '--config', configPath, '--port', String(port)],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    gateway.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    gateway.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await expect
      .poll(() => output, { timeout: 15_000 })
      .toContain(`listening on http://127.0.0.1:${port}`);

    const created = JSON.parse(
      (
        await cli(
          'gateway',
          'keys',
          'create',
          '--config',
          configPath,
          '--rpm',
          '100',
          '--routes',
          'chat',
          '--json',
        )
      ).stdout,
    );
    const openai = new OpenAI({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: created.secret,
      maxRetries: 0,
    });
    await expect
      .poll(
        async () =>
          (
            await openai.chat.completions
              .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
              .catch(() => undefined)
          )?.choices[0]?.message.content,
        {
          timeout: 5000,
        },
      )
      .toBe('hello from cli-upstream');
    const listed = JSON.parse(
      (await cli('gateway', 'keys', 'list', '--config', configPath, '--json')).stdout,
    );
    expect(listed.keys).toEqual([
      expect.objectContaining({ id: created.key.id, rpm: 100, routes: ['chat'], status: 'active' }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    await cli('gateway', 'keys', 'revoke', created.key.id, '--config', configPath);
    await expect
      .poll(
        async () =>
          await openai.chat.completions
            .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] })
            .then(
              () => 200,
              (error: { status?: number }) => error.status,
            ),
        {
          timeout: 5000,
        },
      )
      .toBe(401);

    writeFileSync(configPath, config('renamed', false));
    const anonymous = new OpenAI({
      baseURL: `http://127.0.0.1:${port}/v1`,
      apiKey: 'none',
      maxRetries: 0,
    });
    await expect
      .poll(
        async () => {
          const models = [];
          for await (const model of anonymous.models.list()) models.push(model.id);
          return models;
        },
        { timeout: 5000 },
      )
      .toEqual(['renamed']);
    expect(output).toContain('Reloaded');
    expect(output).not.toContain(upstreamKey);
  });
});
