// Anthropic's own SDK counting tokens through the gateway on a real socket: forwarded to a local
// fake Anthropic for an anthropic target, estimated for others, with Anthropic's error classes.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryLogSink } from '../logging/log-sink.js';
import {
  type FakeProviderServer,
  jsonReply,
  listenTestGateway,
  startFakeProvider,
} from '../test-kit/index.js';
import type { GatewayApp } from './gateway-app.js';

const anthropicKey = 'sk-ant-provider-secret-0123456789';
let fakeAnthropic: FakeProviderServer;
let app: GatewayApp;
let sink: MemoryLogSink;
let virtualKey: string;
let scopedKey: string;
let address: string;
let closeGateway: () => Promise<void>;

beforeAll(async () => {
  fakeAnthropic = await startFakeProvider();
  const yaml = `auth: { virtual_keys: true }
routes:
  - name: claude
    route_type: llm/v1/chat
    model: { provider: anthropic, name: claude-sonnet-4-5, config: { anthropic_api_key: $ANTHROPIC_KEY, anthropic_api_base: ${fakeAnthropic.url}/v1 } }
  - name: chat
    route_type: llm/v1/chat
    model: { provider: openai, name: gpt-4o-mini, config: { openai_api_key: $OPENAI_KEY, openai_api_base: ${fakeAnthropic.url}/v1 } }
    limit: { renewal_period: minute, calls: 1 }
  - name: embed
    route_type: llm/v1/embeddings
    model: { provider: openai, name: text-embedding-3-small, config: { openai_api_key: $OPENAI_KEY } }
`;
  const env = { ANTHROPIC_KEY: anthropicKey, OPENAI_KEY: 'sk-openai-secret-0123456789' };
  const started = await listenTestGateway(yaml, { env });
  ({ app, sink, address } = started);
  virtualKey = (await started.keys.create({ name: 'counter' })).secret;
  scopedKey = (await started.keys.create({ name: 'chat only', routes: ['chat'] })).secret;
  closeGateway = started.close;
});
afterAll(async () => {
  await closeGateway();
  await fakeAnthropic.close();
});
afterEach(() => {
  fakeAnthropic.requests.length = 0;
});

const client = (apiKey = virtualKey, path = '') =>
  new Anthropic({ baseURL: `${address}${path}`, apiKey, maxRetries: 0 });

const hi: Anthropic.MessageParam[] = [{ role: 'user', content: 'hi' }];

describe('count_tokens on an anthropic target', () => {
  it("forwards to Anthropic with the target's model and key, and returns its count", async () => {
    fakeAnthropic.reply(jsonReply(200, { input_tokens: 1234 }));
    const tools: Anthropic.Tool[] = [
      {
        name: 'weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const { data, response } = await client()
      .messages.countTokens({ model: 'claude', system: 'Be brief.', messages: hi, tools })
      .withResponse();

    expect(data).toEqual({ input_tokens: 1234 });
    expect(response.headers.get('x-cairn-token-count')).toBe('provider');
    const [sent] = fakeAnthropic.requests;
    expect(sent!.url).toBe('/v1/messages/count_tokens');
    expect(sent!.headers['x-api-key']).toBe(anthropicKey);
    expect(sent!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent!.headers)).not.toContain(virtualKey);
    expect(sent!.json()).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Be brief.',
      messages: hi,
      tools,
    });
  });

  it('serves the /anthropic alias with the virtual key as a Bearer token', async () => {
    fakeAnthropic.reply(jsonReply(200, { input_tokens: 7 }));
    const response = await fetch(`${address}/anthropic/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${virtualKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: hi }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: 7 });
  });

  it('maps a provider 500 to a 502 APIError in Anthropic shape', async () => {
    fakeAnthropic.reply(
      jsonReply(500, { type: 'error', error: { type: 'api_error', message: 'boom' } }),
    );
    const error = (await client()
      .messages.countTokens({ model: 'claude', messages: hi })
      .catch((caught: unknown) => caught)) as InstanceType<typeof Anthropic.APIError>;
    // The gateway's mapping: an upstream failure is a 502, which the SDK files under 5xx.
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'api_error' },
    });
  });
});

describe('count_tokens on other targets', () => {
  const count = async (params: Anthropic.MessageCountTokensParams) => {
    const { data, response } = await client().messages.countTokens(params).withResponse();
    expect(response.headers.get('x-cairn-token-count')).toBe('estimated');
    return data.input_tokens;
  };

  it('estimates locally, more tokens for longer input, without calling the upstream', async () => {
    const short = await count({ model: 'chat', messages: hi });
    const long = await count({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi, please summarise the history of Rome in detail' }],
    });
    const withSystemAndTools = await count({
      model: 'chat',
      system: 'You are a careful historian.',
      messages: [{ role: 'user', content: 'hi, please summarise the history of Rome in detail' }],
      tools: [{ name: 'search', description: 'Searches', input_schema: { type: 'object' } }],
    });
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short);
    expect(withSystemAndTools).toBeGreaterThan(long);
    expect(fakeAnthropic.requests).toEqual([]);
  });

  it('is no LLM call: the route’s call limit and the call log do not see it', async () => {
    // The chat route allows 1 call a minute; the counts above and here all pass, and none is logged.
    await count({ model: 'chat', messages: hi });
    await count({ model: 'chat', messages: hi });
    await app.gateway.logQueue!.flush();
    expect(sink.records).toEqual([]);
  });
});

describe('count_tokens errors', () => {
  it('answers an unknown route with NotFoundError', async () => {
    await expect(
      client().messages.countTokens({ model: 'nope', messages: hi }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('answers an invalid or missing key with AuthenticationError', async () => {
    await expect(
      client('ck-00000000_not-a-real-key-at-all').messages.countTokens({
        model: 'claude',
        messages: hi,
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const response = await fetch(`${address}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: hi }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
  });

  it('answers a route the key may not use with PermissionDeniedError', async () => {
    await expect(
      client(scopedKey).messages.countTokens({ model: 'claude', messages: hi }),
    ).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(fakeAnthropic.requests).toEqual([]);
  });

  it('answers a non-chat route and a malformed body with BadRequestError', async () => {
    await expect(
      client().messages.countTokens({ model: 'embed', messages: hi }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      client().messages.countTokens({ model: 'chat', messages: [] }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      client().messages.countTokens({
        model: 'chat',
        messages: [{ role: 'robot' as 'user', content: 'hi' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    const notJson = await fetch(`${address}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': virtualKey, 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    expect(fakeAnthropic.requests).toEqual([]);
  });
});
