import type { ChatChunk } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  type FakeProviderServer,
  gate,
  hangReply,
  jsonReply,
  readFixture,
  sseEvents,
  startFakeProvider,
  streamReply,
  textReply,
  within,
} from '../../test-kit/index.js';
import { createProvider, type Provider, ProviderError } from '../index.js';

const fixture = (name: string) => readFixture(import.meta.url, name);
const apiKey = 'sk-ant-api03-SECRET-abcdef';
let server: FakeProviderServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeProvider();
  provider = createProvider({
    provider: 'anthropic',
    name: 'claude-3-5-sonnet-20241022',
    config: { anthropic_api_key: apiKey, base_url: `${server.url}/v1` },
  });
});
afterAll(() => server.close());

const hello = { messages: [{ role: 'user' as const, content: 'Hello' }] };

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('anthropic requests', () => {
  it('translates system, tools, tool results, stop and max_tokens into a Messages body', async () => {
    server.reply(jsonReply(200, fixture('message.json')));
    await provider.chat!({
      model: 'route',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in English.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in SF?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"SF"}' },
            },
            { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '15 degrees' },
        { role: 'tool', tool_call_id: 'toolu_2', content: '10:00' },
      ],
      temperature: 0.5,
      stop: 'END',
      user: 'user-42',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { location: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
    });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(apiKey);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.json()).toEqual({
      model: 'claude-3-5-sonnet-20241022',
      system: 'Be brief.\n\nAnswer in English.',
      max_tokens: 4096,
      temperature: 0.5,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in SF?' },
            {
              type: 'image',
              source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'SF' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '15 degrees' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '10:00' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { location: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
    });
  });

  it('uses the request max_tokens and the configured anthropic_version', async () => {
    const pinned = createProvider({
      provider: 'anthropic',
      name: 'claude-3-haiku-20240307',
      config: {
        anthropic_api_key: apiKey,
        anthropic_version: '2024-01-01',
        base_url: `${server.url}/v1`,
      },
    });
    server.reply(jsonReply(200, fixture('message.json')));
    await pinned.chat!({ ...hello, max_tokens: 50 });
    expect(server.requests.at(-1)!.headers['anthropic-version']).toBe('2024-01-01');
    expect(server.requests.at(-1)!.json().max_tokens).toBe(50);
  });

  it('rejects n > 1 and tool arguments that are not JSON with a 400', async () => {
    expect((await providerError(provider.chat!({ ...hello, n: 2 }))).status).toBe(400);
    const broken = {
      messages: [
        {
          role: 'assistant' as const,
          content: null,
          tool_calls: [
            { id: 'a', type: 'function' as const, function: { name: 'f', arguments: '{oops' } },
          ],
        },
      ],
    };
    const error = await providerError(provider.chat!(broken));
    expect(error).toMatchObject({ status: 400, isRetryable: false });
  });
});

describe('anthropic responses', () => {
  it('maps text, stop reason and usage (cache reads count as prompt tokens)', async () => {
    server.reply(jsonReply(200, fixture('message.json')));
    const response = await provider.chat!(hello);
    expect(response).toMatchObject({
      id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      object: 'chat.completion',
      model: 'claude-3-5-sonnet-20241022',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi! My name is Claude.' },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 2100, completion_tokens: 503, total_tokens: 2603 },
    });
  });

  it('maps tool_use blocks to tool calls', async () => {
    server.reply(jsonReply(200, fixture('message-tool-use.json')));
    const response = await provider.chat!(hello);
    const choice = response.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.tool_calls).toEqual([
      {
        id: 'toolu_01A09q90qw90lq917835lq9',
        type: 'function',
        function: {
          name: 'get_weather',
          arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
        },
      },
    ]);
  });

  it('serves completions through the Messages API', async () => {
    server.reply(jsonReply(200, fixture('message.json')));
    const response = await provider.complete!({ prompt: 'Hi', max_tokens: 10 });
    expect(server.requests.at(-1)!.json().messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    expect(response.choices[0]).toEqual({
      index: 0,
      text: 'Hi! My name is Claude.',
      finish_reason: 'stop',
    });
  });
});

describe('anthropic streaming', () => {
  it('turns SSE events into OpenAI chunks one by one, ending with usage', async () => {
    const events = sseEvents(fixture('stream.sse'));
    const held = gate();
    server.reply(streamReply(events, { gateAfter: 1, gate: held.promise }));
    const iterator = provider.chatStream!(hello)[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 2000, 'the first chunk');
    expect((first.value as ChatChunk).choices[0]?.delta).toEqual({
      role: 'assistant',
      content: '',
    });
    expect((first.value as ChatChunk).id).toBe('msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY');
    held.open();
    const chunks: ChatChunk[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      chunks.push(next.value);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello!');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 },
    });
    expect(server.requests.at(-1)!.json().stream).toBe(true);
  });

  it('streams tool use as OpenAI tool-call deltas', async () => {
    server.reply(streamReply(sseEvents(fixture('stream-tool-use.sse'))));
    const chunks = await collect(provider.chatStream!(hello));
    const calls = chunks.flatMap(
      (chunk) => chunk.choices[0]?.delta.tool_calls ?? [],
    ) as unknown as {
      index: number;
      id?: string;
      function: { name?: string; arguments: string };
    }[];
    expect(calls[0]).toMatchObject({
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      function: { name: 'get_weather' },
    });
    expect(calls.map((call) => call.function.arguments).join('')).toBe(
      '{"location": "San Francisco, CA"}',
    );
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      'tool_calls',
    );
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 472,
      completion_tokens: 89,
      total_tokens: 561,
    });
  });

  it('fails a stream cut before message_stop', async () => {
    server.reply(streamReply(sseEvents(fixture('stream.sse')).slice(0, 4)));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error).toMatchObject({ status: 502, isRetryable: true });
    expect(error.message).toMatch(/before message_stop/);
  });

  it('maps an error event mid-stream (overloaded) to a retryable 529', async () => {
    const events = sseEvents(fixture('stream.sse')).slice(0, 2);
    events.push(
      'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n',
    );
    server.reply(streamReply(events));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error).toMatchObject({ status: 529, isRetryable: true });
    expect(error.message).toMatch(/overloaded_error: Overloaded/);
  });

  it('gives up on a stream hung after its headers', async () => {
    server.reply(hangReply(true));
    const error = await providerError(
      collect(provider.chatStream!(hello, { signal: AbortSignal.timeout(100) })),
    );
    expect(error).toMatchObject({ status: 504, isRetryable: true });
  });
});

describe('anthropic errors', () => {
  it('maps 529 overloaded with Retry-After to a retryable error', async () => {
    server.reply(jsonReply(529, fixture('error-overloaded.json'), { 'retry-after': '3' }));
    const error = await providerError(provider.chat!(hello));
    expect(error).toMatchObject({ status: 529, isRetryable: true, retryAfterMs: 3000 });
    expect(error.message).toBe('anthropic returned HTTP 529: overloaded_error: Overloaded');
  });

  it('maps 400 and 401 to non-retryable errors without the key', async () => {
    server.reply(jsonReply(400, fixture('error-invalid.json')));
    const invalid = await providerError(provider.chat!(hello));
    expect(invalid).toMatchObject({ status: 400, isRetryable: false });
    expect(invalid.message).toMatch(/roles must alternate/);
    server.reply(jsonReply(401, fixture('error-401.json')));
    const unauthorized = await providerError(provider.chat!(hello));
    expect(unauthorized).toMatchObject({ status: 401, isRetryable: false });
    expect(unauthorized.message).not.toContain(apiKey);
  });

  it('maps a non-JSON 200 to a retryable 502', async () => {
    server.reply(textReply(200, 'upstream connect error or disconnect/reset before headers'));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
  });

  it('requires anthropic_api_key', () => {
    expect(() => createProvider({ provider: 'anthropic', name: 'claude', config: {} })).toThrow(
      /anthropic_api_key is required/,
    );
  });
});
