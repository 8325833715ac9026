import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { Storage } from '../storage/index.js';
import { unusedArtifacts } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

/** A minimal provider speaking OpenAI's chat wire format; records the paths it was asked. */
async function startFakeOpenAI(): Promise<{ baseUrl: string; paths: string[]; server: Server }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      paths.push(request.url ?? '');
      if ((JSON.parse(raw) as { stream?: boolean }).stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, extra: object = {}) =>
          `data: ${JSON.stringify({ id: 'c2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
        response.write(chunk({ role: 'assistant', content: 'po' }));
        response.write(chunk({ content: 'ng' }));
        response.end(
          `${chunk({}, { usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } })}data: [DONE]\n\n`,
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, paths, server };
}

describe.each(testBackends())('gateway mounted in the server on $name', (backend) => {
  let app: FastifyInstance;
  let storage: Storage;
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), 'cairn-mounted-gateway-'));
    const configPath = join(dir, 'gateway.yaml');
    writeFileSync(
      configPath,
      [
        'logging: { flush_ms: 20 }',
        'routes:',
        '  - name: chat',
        '    route_type: llm/v1/chat',
        '    model:',
        '      provider: openai',
        '      name: gpt-4o-mini',
        `      config: { openai_api_key: sk-test-secret, openai_api_base: ${fake.baseUrl} }`,
        '    cache: { ttl_seconds: 60 }',
        '    budget: { usd: 10, period: month }',
        '    circuit_breaker: { failures: 3, cooldown_ms: 1000 }',
      ].join('\n'),
    );
    storage = await backend.open();
    app = buildApp(
      { storage, artifacts: unusedArtifacts, clock: Date.now, authorize: () => {} },
      { logLevel: 'silent', gateway: { configPath } },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    await new Promise((resolve) => fake.server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves chat completions, logs each call as a trace, and reports its status', async () => {
    // Over a real socket: the server hands the raw request to the gateway.
    const { port } = app.server.address() as AddressInfo;
    const ask = () =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cairn-user': 'bob',
          'x-cairn-session': 's-42',
        },
        body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'ping' }] }),
      });
    const first = await ask();
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { choices: { message: { content: string } }[] };
    expect(answer.choices[0]!.message.content).toBe('pong');
    const second = await ask(); // answered from the cache
    expect(second.status).toBe(200);
    await second.body?.cancel();
    expect(fake.paths).toEqual(['/v1/chat/completions']);

    // Streaming passes through the server chunk by chunk.
    const streamed = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      body: JSON.stringify({
        model: 'chat',
        stream: true,
        messages: [{ role: 'user', content: 'stream please' }],
      }),
    });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const events = (await streamed.text())
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] });
    expect(events.map((event) => event.choices[0]?.delta.content ?? '').join('')).toBe('pong');

    const models = await app.inject({ method: 'GET', url: '/v1/models' });
    expect(models.json().data.map((model: { id: string }) => model.id)).toEqual(['chat']);
    const routes = await app.inject({ method: 'GET', url: '/api/2.0/gateway/routes/' });
    expect(routes.statusCode).toBe(200);
    // The server keeps its own /health and OTLP endpoint.
    expect((await app.inject({ method: 'GET', url: '/health' })).body).toBe('OK');

    let traces: { name: string; trace_metadata: Record<string, string> }[] = [];
    await expect
      .poll(
        async () => {
          const experiment = await app.inject({
            method: 'GET',
            url: '/api/2.0/mlflow/experiments/get-by-name?experiment_name=gateway',
          });
          if (experiment.statusCode !== 200) return 0;
          const id = experiment.json().experiment.experiment_id;
          const search = await app.inject({
            method: 'GET',
            url: `/api/2.0/cairn/traces/search?experiment_ids=${id}`,
          });
          traces = search.json().traces;
          return traces.length;
        },
        { timeout: 5000, interval: 25 },
      )
      .toBe(3);
    expect(
      traces.find((trace) => trace.trace_metadata['mlflow.trace.user'] === 'bob'),
    ).toMatchObject({
      name: 'chat',
      trace_metadata: {
        'mlflow.trace.user': 'bob',
        'mlflow.trace.session': 's-42',
        'cairn.gateway.route': 'chat',
      },
    });

    // A batch is counted once all of it is stored, a moment after its first traces show.
    const readStatus = () => app.inject({ method: 'GET', url: '/api/2.0/cairn/gateway/status' });
    await expect
      .poll(async () => (await readStatus()).json().received?.records, {
        timeout: 5000,
        interval: 25,
      })
      .toBe(3);
    const status = await readStatus();
    expect(status.statusCode).toBe(200);
    const body = status.json();
    expect(body).toMatchObject({
      mounted: true,
      routes: [
        {
          name: 'chat',
          route_type: 'llm/v1/chat',
          targets: [
            {
              provider: 'openai',
              model: 'gpt-4o-mini',
              circuit: { state: 'closed', retry_after_ms: 0 },
            },
          ],
          budget: { usd: 10, period: 'month' },
          cache: { enabled: true, hits: 1 },
          calls: 3,
        },
      ],
      calls: { total: 3, errors: 0 },
      cache: { lookups: 3, hits: 1 },
      virtual_keys: { required: false, keys: [] },
      received: { records: 3 },
    });
    expect(body.routes[0].budget.spent_usd).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toContain('sk-test-secret');
  });

  it("forwards Anthropic's Messages API to the gateway", async () => {
    const { port } = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      body: JSON.stringify({
        model: 'chat',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'ping' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      type: 'message',
      content: [{ type: 'text', text: 'pong' }],
      usage: { input_tokens: 7, output_tokens: 3 },
    });
  });
});
