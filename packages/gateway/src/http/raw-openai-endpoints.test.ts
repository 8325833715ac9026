import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/parse-config.js';
import { MemoryLogSink } from '../logging/log-sink.js';
import { createProvider } from '../providers/index.js';
import { MemoryState } from '../state/memory-state.js';
import { type FakeOpenAIServer, startFakeOpenAI } from '../test-kit/fake-openai-server.js';
import { createUpstreamFetch } from '../transport/upstream-fetch.js';
import { createGatewayApp, type GatewayApp } from './gateway-app.js';

// The OpenAI POST endpoints are served on node:http before Fastify: these tests go over real
// HTTP (app.inject would reach the Fastify routes instead), with the keep-alive transport.
const providerKey = 'sk-provider-secret-0123456789';
let fake: FakeOpenAIServer;
let app: GatewayApp;
let sink: MemoryLogSink;
let base: string;

async function start(extra = ''): Promise<void> {
  const config = parseGatewayConfig(
    `limits: { max_body_bytes: 2048 }
routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
  - name: limited
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
    limit: { renewal_period: minute, calls: 1 }
${extra}`,
    { env: { KEY: providerKey } },
  );
  sink = new MemoryLogSink();
  const fetch = createUpstreamFetch();
  app = createGatewayApp(config, {
    createProvider: (model) => createProvider(model, { fetch }),
    state: new MemoryState(),
    logSink: sink,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const chatBody = (model = 'chat') =>
  JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] });

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** The `error` object of an OpenAI error response. */
async function errorOf(response: Response): Promise<{ code: string; type: string }> {
  return ((await response.json()) as { error: { code: string; type: string } }).error;
}

/** A POST with a chunked body (no content-length), which fetch cannot send from a string. */
function postChunked(path: string, parts: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${base}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    for (const part of parts) request.write(part);
    request.end();
  });
}

beforeAll(async () => {
  fake = await startFakeOpenAI('upstream');
});
afterAll(() => fake.close());
afterEach(async () => {
  await app?.close();
  fake.reset();
});

describe('raw OpenAI endpoints', () => {
  it('answers a chat completion with the upstream body, Cairn headers and a log record', async () => {
    await start();
    const response = await post('/v1/chat/completions', chatBody(), {
      'x-cairn-user': 'alice',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text).choices[0].message.content).toBe('hello from upstream');
    expect(Number(response.headers.get('x-cairn-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(fake.received[0]!.body.model).toBe('gpt-4o-mini');
    expect(fake.received[0]!.headers.authorization).toBe(`Bearer ${providerKey}`);
    await app.gateway.logQueue!.flush();
    expect(sink.records[0]).toMatchObject({
      route: 'chat',
      status: 200,
      user: 'alice',
      total_tokens: 15,
      request_id: response.headers.get('x-cairn-request-id'),
    });
  });

  it('streams server-sent events ending in [DONE]', async () => {
    await start();
    const response = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(events.length).toBeGreaterThan(2);
  });

  it('answers malformed, oversized and unroutable bodies with OpenAI errors', async () => {
    await start();
    const invalid = await post('/v1/chat/completions', '{"model": "chat",');
    expect(invalid.status).toBe(400);
    expect((await errorOf(invalid)).code).toBe('invalid_json');

    const array = await post('/v1/chat/completions', '[1, 2]');
    expect(array.status).toBe(400);
    expect((await errorOf(array)).code).toBe('invalid_body');

    const missing = await post('/v1/chat/completions', JSON.stringify({ messages: [] }));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).code).toBe('missing_model');

    const unknown = await post('/v1/chat/completions', chatBody('nope'));
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('model_not_found');

    const declared = await post('/v1/chat/completions', JSON.stringify({ pad: 'x'.repeat(3000) }));
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe('body_too_large');

    // No content-length: the limit is enforced while reading.
    const chunked = await postChunked('/v1/chat/completions', [
      '{"model":"chat","pad":"',
      'x'.repeat(1500),
      'x'.repeat(1500),
      '"}',
    ]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('body_too_large');
    expect(fake.received).toHaveLength(0);

    // The server is still serving after all of that.
    expect((await post('/v1/chat/completions', chatBody())).status).toBe(200);
  });

  it('answers a rate limit with 429 and Retry-After', async () => {
    await start();
    expect((await post('/v1/chat/completions', chatBody('limited'))).status).toBe(200);
    const limited = await post('/v1/chat/completions', chatBody('limited'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(limited)).type).toBe('rate_limit_error');
  });

  it('leaves other content types, methods and URLs to the Fastify routes', async () => {
    await start();
    const plain = await post('/v1/chat/completions', chatBody(), { 'content-type': 'text/plain' });
    expect(plain.status).toBe(200);
    const html = await post('/v1/chat/completions', chatBody(), { 'content-type': 'text/html' });
    expect(html.status).toBe(415);
    expect((await errorOf(html)).code).toBe('unsupported_media_type');
    const jsonl = await post('/v1/chat/completions', chatBody(), {
      'content-type': 'application/jsonl',
    });
    expect(jsonl.status).toBe(415);
    const query = await post('/v1/chat/completions?trace=1', chatBody());
    expect(query.status).toBe(200);
    const get = await fetch(`${base}/v1/chat/completions`);
    expect(get.status).toBe(404);
    expect((await errorOf(get)).code).toBe('not_found');
  });

  it('cancels the upstream call when the client goes away, and logs it as 499', async () => {
    await start();
    fake.behave = () => ({ kind: 'hang' });
    const body = chatBody();
    const request = httpRequest(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const failed = new Promise((resolve) => request.on('error', resolve));
    request.end(body);
    await expect.poll(() => fake.received.length).toBe(1);
    request.destroy();
    await failed;
    await expect
      .poll(async () => {
        await app.gateway.logQueue!.flush();
        return sink.records.map((record) => record.status);
      })
      .toEqual([499]);
  });
});
