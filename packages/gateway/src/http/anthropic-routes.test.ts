import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../config/parse-config.js';
import { StateKeyStore } from '../keys/state-key-store.js';
import { VirtualKeys } from '../keys/virtual-keys.js';
import { MemoryLogSink } from '../logging/log-sink.js';
import { createProvider } from '../providers/index.js';
import { MemoryState } from '../state/memory-state.js';
import { type FakeOpenAIServer, startFakeOpenAI } from '../test-kit/fake-openai-server.js';
import {
  type FakeProviderServer,
  startFakeProvider,
  streamReply,
} from '../test-kit/fake-provider-server.js';
import { createGatewayApp, type GatewayApp } from './gateway-app.js';

const providerKey = 'sk-provider-secret-0123456789';
let fake: FakeOpenAIServer;
let scripted: FakeProviderServer;
let app: GatewayApp;
let sink: MemoryLogSink;
let keys: VirtualKeys;

function build(auth = false): GatewayApp {
  const target = `{ provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }`;
  const yaml = `${auth ? 'auth: { virtual_keys: true }\n' : ''}limits: { max_body_bytes: 2048 }
routes:
  - name: chat
    route_type: llm/v1/chat
    model: ${target}
  - name: limited
    route_type: llm/v1/chat
    model: ${target}
    limit: { renewal_period: minute, calls: 1 }
    guardrails: { deny_input: ["/forbidden/i"] }
  - name: scripted
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $KEY, openai_api_base: ${scripted.url}/v1 } }
  - name: embed
    route_type: llm/v1/embeddings
    model: { provider: openai, name: text-embedding-3-small, config: { openai_api_key: $KEY, openai_api_base: ${fake.baseUrl} } }
`;
  const state = new MemoryState();
  sink = new MemoryLogSink();
  keys = new VirtualKeys(new StateKeyStore(state));
  return createGatewayApp(parseGatewayConfig(yaml, { env: { KEY: providerKey } }), {
    createProvider: (model) => createProvider(model),
    state,
    keys,
    logSink: sink,
  });
}

const message = (model: string, content = 'hi', extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user', content }],
  ...extra,
});

const post = (payload: unknown, headers: Record<string, string> = {}, url = '/v1/messages') =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** The SSE body as [event name, parsed data] pairs. */
function sseEvents(body: string): [string, Record<string, unknown>][] {
  return body
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      expect(eventLine).toMatch(/^event: /);
      expect(dataLine).toMatch(/^data: /);
      return [eventLine!.slice(7), JSON.parse(dataLine!.slice(6)) as Record<string, unknown>];
    });
}

beforeAll(async () => {
  fake = await startFakeOpenAI('upstream');
  scripted = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
  await scripted.close();
});
afterEach(async () => {
  await app?.close();
  fake.reset();
});

describe('gateway app: Anthropic Messages API', () => {
  it('answers a message through an OpenAI upstream, keyed by x-api-key, and logs the call', async () => {
    app = build(true);
    const { secret } = await keys.create({ name: 'anthropic-client' });
    const response = await post(
      message('chat', 'hi', { system: 'Be brief.', metadata: { user_id: 'alice' } }),
      { 'x-api-key': secret, 'anthropic-version': '2023-06-01' },
    );
    expect(response.statusCode).toBe(200);
    const requestId = response.headers['x-cairn-request-id'] as string;
    expect(response.json()).toEqual({
      id: `msg_${requestId.replaceAll('-', '')}`,
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [{ type: 'text', text: 'hello from upstream' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(fake.received[0]!.path).toBe('/v1/chat/completions');
    expect(fake.received[0]!.body).toMatchObject({
      model: 'gpt-4o-mini',
      max_tokens: 64,
      user: 'alice',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    await app.gateway.logQueue!.flush();
    expect(sink.records[0]).toMatchObject({
      route: 'chat',
      status: 200,
      user: 'alice',
      prompt_tokens: 10,
      completion_tokens: 5,
      request_id: requestId,
    });
  });

  it('streams Anthropic SSE events on the /anthropic alias, usage in message_delta', async () => {
    app = build();
    const response = await post(
      message('chat', 'hi', { stream: true }),
      {},
      '/anthropic/v1/messages',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = sseEvents(response.body);
    for (const [name, data] of events) expect(data.type).toBe(name);
    expect(events.map(([name]) => name)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const text = events
      .map(([, data]) => (data.delta as { text?: string } | undefined)?.text ?? '')
      .join('');
    expect(text).toBe('hello from upstream');
    expect(events.at(-2)![1]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 10, output_tokens: 5 },
    });
    expect(fake.received[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('renders every refusal in Anthropic error shape with the matching status', async () => {
    app = build(true);
    const { secret } = await keys.create({ routes: ['chat', 'limited', 'embed'] });
    const auth = { 'x-api-key': secret };
    const cases: [Awaited<ReturnType<typeof post>>, number, string][] = [
      [await post(message('chat')), 401, 'authentication_error'],
      [await post('{"model": ', auth), 400, 'invalid_request_error'],
      [await post({ model: 'chat', messages: [] }, auth), 400, 'invalid_request_error'],
      [await post(message('nope'), auth), 404, 'not_found_error'],
      [await post(message('embed'), auth), 400, 'invalid_request_error'],
      [await post(message('chat', 'x'.repeat(5000)), auth), 413, 'request_too_large'],
      [await post(message('limited', 'forbidden'), auth), 400, 'invalid_request_error'],
    ];
    const other = await keys.create({ routes: ['limited'] });
    cases.push([
      await post(message('chat'), { 'x-api-key': other.secret }),
      403,
      'permission_error',
    ]);
    for (const [response, status, type] of cases) {
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual({
        type: 'error',
        error: { type, message: expect.any(String) },
      });
    }
    expect(cases[3]![0].json().error.message).toMatch(/The model 'nope' does not exist/);
  });

  it('answers a rate limit with 429 rate_limit_error and Retry-After, and upstream failure with api_error', async () => {
    app = build();
    expect((await post(message('limited'))).statusCode).toBe(200);
    const limited = await post(message('limited'));
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().error.type).toBe('rate_limit_error');
    fake.behave = (request) => ({
      kind: 'error',
      status: 500,
      message: `boom, key was ${request.headers.authorization}`,
    });
    const failed = await post(message('chat'));
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.type).toBe('api_error');
    expect(failed.body).not.toContain(providerKey);
  });

  it('reports a stream that breaks after it started as an in-band Anthropic error event', async () => {
    app = build();
    const first = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { role: 'assistant', content: 'par' }, finish_reason: null }],
    };
    scripted.reply(
      streamReply([
        `data: ${JSON.stringify(first)}\n\n`,
        'data: {"error":{"message":"Provider returned error","code":502}}\n\n',
      ]),
    );
    const response = await post(message('scripted', 'hi', { stream: true }));
    expect(response.statusCode).toBe(200);
    const events = sseEvents(response.body);
    expect(events.map(([name]) => name)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'error',
    ]);
    expect(events.at(-1)![1]).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.stringMatching(/Provider returned error/) },
    });
  });
});
