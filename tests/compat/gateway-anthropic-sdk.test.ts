// The official `@anthropic-ai/sdk` pointed at Cairn's gateway on a real socket. The gateway's
// /v1/messages endpoint takes Anthropic-shaped calls and runs them on chat routes whose upstreams
// speak OpenAI's wire (local fakes): Anthropic in, OpenAI out. Plain and streamed messages, a
// tool-use round trip, a broken stream as APIError, a rate limit as RateLimitError, failover on 500s.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOpenAIServer,
  startFakeOpenAI,
} from '../../packages/gateway/src/test-kit/fake-openai-server.js';
import {
  type FakeProviderServer,
  jsonReply,
  startFakeProvider,
  streamReply,
} from '../../packages/gateway/src/test-kit/fake-provider-server.js';
import { listenTestGateway } from '../../packages/gateway/src/test-kit/listen-test-gateway.js';

let primary: FakeOpenAIServer;
let secondary: FakeOpenAIServer;
let scripted: FakeProviderServer;
const running: (() => Promise<void>)[] = [];

beforeAll(async () => {
  primary = await startFakeOpenAI('primary');
  secondary = await startFakeOpenAI('secondary');
  scripted = await startFakeProvider();
});
afterAll(async () => {
  await primary.close();
  await secondary.close();
  await scripted.close();
});
afterEach(async () => {
  for (const close of running.splice(0)) await close();
  for (const fake of [primary, secondary]) {
    fake.received.length = 0;
    fake.behave = () => ({ kind: 'ok' });
  }
  scripted.requests.length = 0;
});

function model(baseUrl: string) {
  return `{ provider: openai, name: gpt-4o-mini, config: { openai_api_key: $UPSTREAM_KEY, openai_api_base: ${baseUrl} } }`;
}

async function startGateway(yaml: string) {
  const { app, sink, keys, address, close } = await listenTestGateway(yaml);
  running.push(close);
  const client = (apiKey = 'unused', path = '') =>
    new Anthropic({ baseURL: `${address}${path}`, apiKey, maxRetries: 0 });
  return { app, sink, keys, client };
}

const hi: Anthropic.MessageParam[] = [{ role: 'user', content: 'hi' }];

/** An OpenAI chat completion asking for one tool call. */
function toolCallCompletion(id: string, name: string, args: string) {
  return {
    id: 'chatcmpl-tool',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id, type: 'function', function: { name, arguments: args } }],
        },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38 },
  };
}

/** The same tool call as OpenAI stream chunks, arguments in two pieces, then usage. */
function toolCallChunks(id: string, name: string, args: [string, string]): string[] {
  const chunk = (delta: unknown, finish: string | null, extra: object = {}) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-tool',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: delta === undefined ? [] : [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    })}\n\n`;
  return [
    chunk({ role: 'assistant', content: null }, null),
    chunk(
      { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] },
      null,
    ),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args[0] } }] }, null),
    chunk({ tool_calls: [{ index: 0, function: { arguments: args[1] } }] }, null),
    chunk({}, 'tool_calls'),
    chunk(undefined, null, {
      usage: { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38 },
    }),
    'data: [DONE]\n\n',
  ];
}

describe('@anthropic-ai/sdk against cairn gateway', () => {
  it('creates messages, plain and streamed, keyed by x-api-key', async () => {
    const { client, keys, sink, app } = await startGateway(`auth: { virtual_keys: true }
routes:
  - name: chat
    route_type: llm/v1/chat
    model: ${model(primary.baseUrl)}
`);
    const { secret } = await keys.create({ name: 'anthropic-sdk' });
    const anthropic = client(secret);
    const message = await anthropic.messages.create({
      model: 'chat',
      max_tokens: 64,
      system: 'Be brief.',
      messages: hi,
      metadata: { user_id: 'alice' },
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.content).toEqual([{ type: 'text', text: 'hello from primary' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
    expect(primary.received[0]!.body).toMatchObject({
      max_tokens: 64,
      user: 'alice',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });

    const stream = anthropic.messages.stream({ model: 'chat', max_tokens: 64, messages: hi });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('hello from primary');
    expect(final.content).toEqual([{ type: 'text', text: 'hello from primary' }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });

    // stream: true on create, through the /anthropic alias, yields the raw event sequence.
    const events = await client(secret, '/anthropic').messages.create({
      model: 'chat',
      max_tokens: 64,
      messages: hi,
      stream: true,
    });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);

    await app.gateway.logQueue!.flush();
    expect(sink.records.map((record) => [record.route, record.stream, record.status])).toEqual([
      ['chat', false, 200],
      ['chat', true, 200],
      ['chat', true, 200],
    ]);
    await expect(
      client('ck-00000000_not-a-real-key-at-all').messages.create({
        model: 'chat',
        max_tokens: 8,
        messages: hi,
      }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('runs a tool-use round trip, plain and streamed', async () => {
    const { client } = await startGateway(`routes:
  - name: tools
    route_type: llm/v1/chat
    model: ${model(`${scripted.url}/v1`)}
`);
    const anthropic = client();
    const tools: Anthropic.Tool[] = [
      {
        name: 'weather',
        description: 'Current weather for a city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ];
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Oslo?' };
    scripted.reply(jsonReply(200, toolCallCompletion('call_1', 'weather', '{"city":"Oslo"}')));
    const asked = await anthropic.messages.create({
      model: 'tools',
      max_tokens: 128,
      messages: [question],
      tools,
      tool_choice: { type: 'auto' },
    });
    expect(asked.stop_reason).toBe('tool_use');
    expect(asked.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
    ]);
    expect(scripted.requests[0]!.json()).toMatchObject({
      tools: [
        {
          type: 'function',
          function: { name: 'weather', parameters: tools[0]!.input_schema },
        },
      ],
      tool_choice: 'auto',
    });

    scripted.reply(
      jsonReply(200, {
        ...toolCallCompletion('unused', 'unused', '{}'),
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'It is 4°C in Oslo.' },
            finish_reason: 'stop',
          },
        ],
      }),
    );
    const answered = await anthropic.messages.create({
      model: 'tools',
      max_tokens: 128,
      tools,
      messages: [
        question,
        { role: 'assistant', content: asked.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '4°C, cloudy' }],
        },
      ],
    });
    expect(answered.content).toEqual([{ type: 'text', text: 'It is 4°C in Oslo.' }]);
    expect(scripted.requests[1]!.json().messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '4°C, cloudy' },
    ]);

    scripted.reply(streamReply(toolCallChunks('call_2', 'weather', ['{"city":', '"Bergen"}'])));
    const streamed = await anthropic.messages
      .stream({ model: 'tools', max_tokens: 128, messages: [question], tools })
      .finalMessage();
    expect(streamed.stop_reason).toBe('tool_use');
    expect(streamed.content).toEqual([
      { type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Bergen' } },
    ]);
    expect(streamed.usage).toMatchObject({ input_tokens: 30, output_tokens: 8 });
  });

  it("surfaces a stream that breaks midway as the SDK's APIError", async () => {
    const { client } = await startGateway(`routes:
  - name: breaks
    route_type: llm/v1/chat
    model: ${model(`${scripted.url}/v1`)}
`);
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
    const stream = client().messages.stream({ model: 'breaks', max_tokens: 8, messages: hi });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'api_error' },
    });
    expect(deltas).toEqual(['par']);
  });

  it("surfaces a route's rate limit as the SDK's RateLimitError with Retry-After", async () => {
    const { client } = await startGateway(`routes:
  - name: limited
    route_type: llm/v1/chat
    model: ${model(primary.baseUrl)}
    limit: { renewal_period: minute, calls: 1 }
`);
    const anthropic = client();
    const ask = () => anthropic.messages.create({ model: 'limited', max_tokens: 8, messages: hi });
    await ask();
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(Number(rateLimit.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('fails over when the primary upstream returns 500s, streaming or not', async () => {
    const { client, sink, app } = await startGateway(`routes:
  - name: chat
    route_type: llm/v1/chat
    strategy: fallback
    retries: { attempts: 1, backoff_ms: 10 }
    targets:
      - { name: primary, model: ${model(primary.baseUrl)} }
      - { name: secondary, model: ${model(secondary.baseUrl)} }
`);
    primary.behave = () => ({ kind: 'error', status: 500 });
    const anthropic = client();
    const message = await anthropic.messages.create({ model: 'chat', max_tokens: 8, messages: hi });
    expect(message.content).toEqual([{ type: 'text', text: 'hello from secondary' }]);
    expect(primary.received).toHaveLength(2);
    const streamed = await anthropic.messages
      .stream({ model: 'chat', max_tokens: 8, messages: hi })
      .finalMessage();
    expect(streamed.content).toEqual([{ type: 'text', text: 'hello from secondary' }]);
    await app.gateway.logQueue!.flush();
    expect(sink.records.map((record) => [record.target, record.fallbacks, record.status])).toEqual([
      ['secondary', 1, 200],
      ['secondary', 1, 200],
    ]);
  });
});
