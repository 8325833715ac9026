import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/parse-config.js';
import { StateKeyStore } from '../keys/state-key-store.js';
import { VirtualKeys } from '../keys/virtual-keys.js';
import { MemoryLogSink } from '../logging/log-sink.js';
import { createProvider } from '../providers/index.js';
import { MemoryState } from '../state/memory-state.js';
import { type FakeOpenAIServer, startFakeOpenAI } from '../test-kit/fake-openai-server.js';
import { createGatewayApp, type GatewayApp } from './gateway-app.js';

const providerKey = 'sk-provider-secret-0123456789';
let fake: FakeOpenAIServer;
let app: GatewayApp;
let sink: MemoryLogSink;
let keys: VirtualKeys;

function yaml(extra = '', auth = false): string {
  return `${auth ? 'auth: { virtual_keys: true }\n' : ''}limits: { max_body_bytes: 2048 }
routes:
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
  - name: cached
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
    cache: { ttl_seconds: 60 }
  - name: limited
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
    limit: { renewal_period: minute, calls: 1 }
    guardrails: { deny_input: ["/forbidden/i"] }
  - name: embed
    route_type: llm/v1/embeddings
    model: { provider: openai, name: text-embedding-3-small, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
  - name: complete
    route_type: llm/v1/completions
    model: { provider: openai, name: gpt-3.5-turbo-instruct, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
${extra}`;
}

function build(text: string): GatewayApp {
  const config = parseGatewayConfig(text, { env: { KEY: providerKey } });
  sink = new MemoryLogSink();
  const state = new MemoryState();
  keys = new VirtualKeys(new StateKeyStore(state));
  return createGatewayApp(config, {
    createProvider: (model) => createProvider(model),
    state,
    keys,
    logSink: sink,
  });
}

const chat = (model: string, content = 'hi', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content }],
  ...extra,
});

beforeAll(async () => {
  fake = await startFakeOpenAI('upstream');
});
afterAll(() => fake.close());
afterEach(async () => {
  await app?.close();
  fake.reset();
});

describe('gateway app: OpenAI-compatible API', () => {
  it('answers a chat completion through the provider, with overhead header and a log record', async () => {
    app = build(yaml());
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat'),
      headers: {
        'x-cairn-user': 'alice',
        'x-cairn-session': 's1',
        'x-cairn-tags': 'team=search,beta',
      },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().choices[0].message.content).toBe('hello from upstream');
    expect(Number(response.headers['x-cairn-overhead-ms'])).toBeGreaterThanOrEqual(0);
    expect(fake.received[0]!.body.model).toBe('gpt-4o-mini');
    expect(fake.received[0]!.headers.authorization).toBe(`Bearer ${providerKey}`);
    await app.gateway.logQueue!.flush();
    expect(sink.records[0]).toMatchObject({
      route: 'chat',
      target: 'openai:gpt-4o-mini',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 200,
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      user: 'alice',
      session: 's1',
      tags: { team: 'search', beta: '' },
      retries: 0,
      fallbacks: 0,
      cache_hit: false,
      request_id: response.headers['x-cairn-request-id'],
    });
    expect(sink.records[0]!.cost_usd).toBeCloseTo((10 * 0.15 + 5 * 0.6) / 1e6, 12);
    expect(sink.records[0]!.outputs).toBeDefined();
  });

  it('streams chunk by chunk as SSE ending in [DONE], hiding the usage chunk unless asked', async () => {
    app = build(yaml());
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat', 'hi', { stream: true }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = response.body.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(
      'hello from upstream',
    );
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
    const withUsage = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat', 'hi', { stream: true, stream_options: { include_usage: true } }),
    });
    expect(withUsage.body).toContain('"usage":{"prompt_tokens":10');
    await app.gateway.logQueue!.flush();
    expect(sink.records[0]).toMatchObject({
      stream: true,
      prompt_tokens: 10,
      completion_tokens: 5,
      status: 200,
    });
    expect(sink.records[0]!.ttft_ms).toBeGreaterThan(0);
  });

  it('serves completions and embeddings (base64 when asked, as the openai SDK does)', async () => {
    app = build(yaml());
    const completion = await app.inject({
      method: 'POST',
      url: '/v1/completions',
      payload: { model: 'complete', prompt: 'Say hi' },
    });
    expect(completion.json().choices[0].text).toBe('hello from upstream');
    const floats = await app.inject({
      method: 'POST',
      url: '/v1/embeddings',
      payload: { model: 'embed', input: ['a', 'b'] },
    });
    expect(floats.json().data[1].embedding).toEqual([0.5, -0.25, 1]);
    const base64 = await app.inject({
      method: 'POST',
      url: '/v1/embeddings',
      payload: { model: 'embed', input: 'a', encoding_format: 'base64' },
    });
    const bytes = Buffer.from(base64.json().data[0].embedding, 'base64');
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, 3)]).toEqual([0.5, -0.25, 0]);
  });

  it('lists routes as models', async () => {
    app = build(yaml());
    const response = await app.inject({ method: 'GET', url: '/v1/models' });
    expect(response.json().data.map((model: { id: string }) => model.id)).toEqual([
      'chat',
      'cached',
      'limited',
      'embed',
      'complete',
    ]);
  });

  it.each([
    [
      'unknown route',
      { model: 'nope', messages: [{ role: 'user', content: 'x' }] },
      '/v1/chat/completions',
      404,
      'model_not_found',
    ],
    [
      'wrong route type',
      { model: 'embed', messages: [{ role: 'user', content: 'x' }] },
      '/v1/chat/completions',
      400,
      'wrong_route_type',
    ],
    [
      'missing model',
      { messages: [{ role: 'user', content: 'x' }] },
      '/v1/chat/completions',
      400,
      'missing_model',
    ],
    ['missing messages', { model: 'chat' }, '/v1/chat/completions', 400, 'invalid_messages'],
    ['bad input', { model: 'embed', input: 3 }, '/v1/embeddings', 400, 'invalid_input'],
  ])('answers %s with OpenAI error JSON', async (_name, payload, url, status, code) => {
    app = build(yaml());
    const response = await app.inject({ method: 'POST', url, payload });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toEqual({
      error: { message: expect.any(String), type: expect.any(String), code, param: null },
    });
  });

  it('rejects malformed, non-object and oversized bodies', async () => {
    app = build(yaml());
    const post = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload,
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('{"model": ')).json().error.code).toBe('invalid_json');
    expect((await post('[1,2]')).statusCode).toBe(400);
    const big = await post(JSON.stringify(chat('chat', 'x'.repeat(5000))));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.type).toBe('invalid_request_error');
  });

  it('turns upstream failures into 502 without leaking the provider key', async () => {
    app = build(yaml());
    fake.behave = (request) => ({
      kind: 'error',
      status: 500,
      message: `boom, key was ${request.headers.authorization}`,
    });
    const response = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat'),
    });
    expect(response.statusCode).toBe(502);
    expect(response.body).not.toContain(providerKey);
    expect(response.json().error).toMatchObject({ type: 'api_error', code: 'upstream_error' });
    fake.behave = () => ({ kind: 'garbage' });
    const garbage = await app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat'),
    });
    expect(garbage.statusCode).toBe(502);
    await app.gateway.logQueue!.flush();
    expect(JSON.stringify(sink.records)).not.toContain(providerKey);
  });
});

describe('gateway app: policies', () => {
  it('caches exact requests, replays cached streams, and bypasses on Cache-Control: no-cache', async () => {
    app = build(yaml());
    const ask = (headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat('cached', 'same', extra),
        headers,
      });
    expect((await ask()).headers['x-cairn-cache']).toBe('miss');
    const hit = await ask();
    expect(hit.headers['x-cairn-cache']).toBe('hit');
    expect(hit.json().choices[0].message.content).toBe('hello from upstream');
    expect(fake.received).toHaveLength(1);
    expect((await ask({ 'cache-control': 'no-cache' })).headers['x-cairn-cache']).toBe('bypass');
    expect(fake.received).toHaveLength(2);
    const first = await ask({}, { stream: true });
    const replay = await ask({}, { stream: true });
    expect(replay.headers['x-cairn-cache']).toBe('hit');
    expect(replay.body).toBe(first.body);
    expect(fake.received).toHaveLength(3);
    await app.gateway.logQueue!.flush();
    expect(sink.records.filter((record) => record.cache_hit)).toHaveLength(2);
  });

  it('rate-limits a route with 429 and Retry-After, and blocks guardrail violations with 400', async () => {
    app = build(yaml());
    const ask = (content = 'hi') =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat('limited', content),
      });
    expect((await ask('this is forbidden')).statusCode).toBe(400);
    expect((await ask()).statusCode).toBe(200);
    const limited = await ask();
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
  });

  it('requires virtual keys when configured: 401, 403 for other routes, revocation at once', async () => {
    app = build(yaml('', true));
    const ask = (route: string, key?: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: chat(route),
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    expect((await ask('chat')).json().error.code).toBe('missing_api_key');
    expect((await ask('chat', 'ck-00000000_nope-nope-nope-nope-nope')).statusCode).toBe(401);
    const { secret, record } = await keys.create({ routes: ['chat'] });
    expect((await ask('chat', secret)).statusCode).toBe(200);
    expect((await ask('cached', secret)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    await keys.revoke(record.id);
    expect((await ask('chat', secret)).statusCode).toBe(401);
  });
});

describe("gateway app: MLflow's API and reloads", () => {
  it('serves invocations and lists endpoints and routes in MLflow shapes', async () => {
    app = build(yaml());
    for (const url of ['/endpoints/chat/invocations', '/gateway/chat/invocations']) {
      const response = await app.inject({
        method: 'POST',
        url,
        payload: { messages: [{ role: 'user', content: 'hi' }] },
      });
      expect(response.json().choices[0].message.content).toBe('hello from upstream');
    }
    const embed = await app.inject({
      method: 'POST',
      url: '/endpoints/embed/invocations',
      payload: { input: 'x' },
    });
    expect(embed.json().data).toHaveLength(1);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/endpoints/none/invocations',
          payload: { input: 'x' },
        })
      ).statusCode,
    ).toBe(404);
    const endpoints = (await app.inject({ method: 'GET', url: '/api/2.0/endpoints/' })).json();
    expect(endpoints.endpoints[2]).toEqual({
      name: 'limited',
      endpoint_type: 'llm/v1/chat',
      model: { name: 'gpt-4o-mini', provider: 'openai' },
      endpoint_url: '/endpoints/limited/invocations',
      limit: { renewal_period: 'minute', calls: 1 },
    });
    const routes = (await app.inject({ method: 'GET', url: '/api/2.0/gateway/routes/' })).json();
    expect(routes.routes[0]).toMatchObject({
      name: 'chat',
      route_type: 'llm/v1/chat',
      route_url: '/gateway/chat/invocations',
      limit: null,
    });
    expect(
      (await app.inject({ method: 'GET', url: '/api/2.0/endpoints/embed' })).json().endpoint_type,
    ).toBe('llm/v1/embeddings');
    expect((await app.inject({ method: 'GET', url: '/api/2.0/endpoints/nope' })).statusCode).toBe(
      404,
    );
    expect(
      (await app.inject({ method: 'GET', url: '/api/2.0/endpoints/limits/x' })).statusCode,
    ).toBe(501);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'OK' });
  });

  it('reloads atomically: in-flight calls finish on the old routes', async () => {
    app = build(yaml());
    fake.behave = () => ({ kind: 'ok', delayMs: 100, text: 'slow old' });
    const inFlight = app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat('chat'),
    });
    // Reload only once the call is in flight upstream.
    await expect.poll(() => fake.received.length).toBe(1);
    const renamed = yaml().replace('- name: chat\n', '- name: chat-v2\n');
    app.gateway.reload(parseGatewayConfig(renamed, { env: { KEY: providerKey } }));
    expect((await inFlight).json().choices[0].message.content).toBe('slow old');
    expect(
      (await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat('chat') }))
        .statusCode,
    ).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: chat('chat-v2') }))
        .statusCode,
    ).toBe(200);
  });
});
