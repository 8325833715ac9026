import type { ChatChunk } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  type EventStreamFixtureEvent,
  encodeEventStream,
  type FakeProviderServer,
  gate,
  hangReply,
  jsonReply,
  readFixture,
  startFakeProvider,
  streamReply,
  textReply,
  verifySigV4,
  within,
} from '../../test-kit/index.js';
import { createProvider, type Provider, ProviderError } from '../index.js';

const fixture = (name: string) => readFixture(import.meta.url, name);
const events = (name: string) =>
  encodeEventStream(JSON.parse(fixture(name)) as EventStreamFixtureEvent[]);
const eventStream = { contentType: 'application/vnd.amazon.eventstream' };
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const modelId = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
let server: FakeProviderServer;
let provider: Provider;

const bedrock = (name: string, extra: Record<string, string> = {}) =>
  createProvider({
    provider: 'bedrock',
    name,
    config: {
      aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      aws_secret_access_key: secretAccessKey,
      aws_session_token: 'FwoGZXIvYXdzEXAMPLE-session-token',
      aws_region: 'eu-west-1',
      aws_endpoint_url: server.url,
      ...extra,
    },
  });

beforeAll(async () => {
  server = await startFakeProvider();
  provider = bedrock(modelId);
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

describe('bedrock converse', () => {
  it('signs the Converse request with SigV4 and translates both ways', async () => {
    server.reply(jsonReply(200, fixture('converse.json')));
    const response = await provider.chat!({
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'Hello' },
      ],
      max_tokens: 256,
      temperature: 0.1,
      stop: ['Human:'],
    });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    expect(sent.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE-session-token');
    expect(sent.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    const check = verifySigV4(sent, secretAccessKey);
    expect(check.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(check.scope).toMatch(/^\d{8}\/eu-west-1\/bedrock\/aws4_request$/);
    expect(check.signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'content-type']),
    );
    expect(check.valid).toBe(true);
    expect(verifySigV4(sent, 'some-other-secret').valid).toBe(false);
    expect(sent.json()).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      system: [{ text: 'Be kind.' }],
      inferenceConfig: { maxTokens: 256, temperature: 0.1, stopSequences: ['Human:'] },
    });
    expect(response).toMatchObject({
      object: 'chat.completion',
      model: modelId,
      choices: [
        {
          message: {
            role: 'assistant',
            content: "Hello! I'm Claude, an AI assistant. How can I help you today?",
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 18, total_tokens: 30 },
    });
  });

  it('maps tools, tool calls and tool results', async () => {
    server.reply(jsonReply(200, fixture('converse-tool-use.json')));
    const response = await provider.chat!({
      messages: [
        { role: 'user', content: 'Top song?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: 't1',
              type: 'function',
              function: { name: 'top_song', arguments: '{"sign":"WABC"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'Elemental Hotel' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'top_song', description: 'Top song', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'required',
    });
    expect(server.requests.at(-1)!.json()).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Top song?' }] },
        {
          role: 'assistant',
          content: [{ toolUse: { toolUseId: 't1', name: 'top_song', input: { sign: 'WABC' } } }],
        },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'Elemental Hotel' }] } }],
        },
      ],
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: 'top_song',
              description: 'Top song',
              inputSchema: { json: { type: 'object' } },
            },
          },
        ],
        toolChoice: { any: {} },
      },
    });
    expect(response.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: "I'll look up the top song on WZPZ.",
        tool_calls: [
          {
            id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
            function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' },
          },
        ],
      },
    });
    expect(response.usage).toEqual({
      prompt_tokens: 475,
      completion_tokens: 58,
      total_tokens: 533,
    });
  });

  it('uses a Bedrock API key as a bearer token instead of signing', async () => {
    const keyed = createProvider({
      provider: 'bedrock',
      name: 'meta.llama3-8b-instruct-v1:0',
      config: { aws_bearer_token_bedrock: 'ABSK-bedrock-api-key', aws_endpoint_url: server.url },
    });
    server.reply(jsonReply(200, fixture('converse.json')));
    await keyed.chat!(hello);
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer ABSK-bedrock-api-key');
  });
});

describe('bedrock converse-stream', () => {
  it('decodes the binary event stream frame by frame into chunks, ending with usage', async () => {
    const held = gate();
    server.reply(
      streamReply(events('converse-stream.events.json'), {
        ...eventStream,
        gateAfter: 1,
        gate: held.promise,
      }),
    );
    const iterator = provider.chatStream!(hello)[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 2000, 'the first chunk');
    expect((first.value as ChatChunk).choices[0]?.delta).toEqual({
      role: 'assistant',
      content: '',
    });
    held.open();
    const chunks: ChatChunk[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      chunks.push(next.value);
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream');
    expect(verifySigV4(sent, secretAccessKey).valid).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello from Bedrock',
    );
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 14, completion_tokens: 4, total_tokens: 18 },
    });
  });

  it('decodes frames split across writes at odd places', async () => {
    const whole = Buffer.concat(events('converse-stream.events.json'));
    const pieces = [];
    for (let offset = 0; offset < whole.length; offset += 13)
      pieces.push(new Uint8Array(whole.subarray(offset, offset + 13)));
    server.reply(streamReply(pieces, eventStream));
    const chunks = await collect(provider.chatStream!(hello));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello from Bedrock',
    );
  });

  it('streams tool use as tool-call deltas', async () => {
    server.reply(streamReply(events('converse-stream-tool-use.events.json'), eventStream));
    const chunks = await collect(provider.chatStream!(hello));
    const calls = chunks.flatMap(
      (chunk) => chunk.choices[0]?.delta.tool_calls ?? [],
    ) as unknown as { index: number; id?: string; function: { arguments: string } }[];
    expect(calls[0]).toMatchObject({
      index: 0,
      id: 'tooluse_Cp3tCFBnTsqW0TcAlQ9Kzw',
      function: { name: 'top_song' },
    });
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"sign": "WZPZ"}');
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      'tool_calls',
    );
  });

  it('maps an exception frame mid-stream to a ProviderError with its status', async () => {
    const frames = events('converse-stream.events.json').slice(0, 2);
    frames.push(
      ...encodeEventStream([
        {
          exceptionType: 'throttlingException',
          payload: { message: 'Too many tokens, please wait before trying again.' },
        },
      ]),
    );
    server.reply(streamReply(frames, eventStream));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error).toMatchObject({ status: 429, isRetryable: true });
    expect(error.message).toMatch(/throttlingException: Too many tokens/);
  });

  it('fails streams that are truncated, cut mid-frame, garbage or hung', async () => {
    server.reply(streamReply(events('converse-stream.events.json').slice(0, 3), eventStream));
    expect((await providerError(collect(provider.chatStream!(hello)))).message).toMatch(
      /before messageStop/,
    );
    const whole = Buffer.concat(events('converse-stream.events.json'));
    server.reply(streamReply([new Uint8Array(whole.subarray(0, whole.length - 10))], eventStream));
    expect(await providerError(collect(provider.chatStream!(hello)))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
    server.reply(streamReply(['data: {"not":"an event stream"}\n\n'], eventStream));
    expect((await providerError(collect(provider.chatStream!(hello)))).message).toMatch(/garbage/);
    server.reply(hangReply(true));
    const hung = provider.chatStream!(hello, { signal: AbortSignal.timeout(100) });
    expect(await providerError(collect(hung))).toMatchObject({ status: 504, isRetryable: true });
  });
});

describe('bedrock embeddings and errors', () => {
  it('embeds with Titan through InvokeModel, one call per text', async () => {
    const titan = bedrock('amazon.titan-embed-text-v2:0');
    server.reply(
      jsonReply(200, fixture('titan-embed.json')),
      jsonReply(200, fixture('titan-embed.json')),
    );
    const response = await titan.embed!({ input: ['a', 'b'], dimensions: 256 });
    const sent = server.requests.slice(-2);
    expect(sent.map((request) => request.url)).toEqual([
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
      '/model/amazon.titan-embed-text-v2%3A0/invoke',
    ]);
    expect(sent.map((request) => request.json().inputText).sort()).toEqual(['a', 'b']);
    expect(sent[0]!.json().dimensions).toBe(256);
    expect(verifySigV4(sent[0]!, secretAccessKey).valid).toBe(true);
    expect(response.data).toHaveLength(2);
    expect(response.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
  });

  it('embeds with Cohere on Bedrock in one batch; chat-only models have no embed', async () => {
    const cohere = bedrock('cohere.embed-english-v3');
    server.reply(jsonReply(200, fixture('cohere-embed.json')));
    const response = await cohere.embed!({ input: ['first', 'second'] });
    expect(server.requests.at(-1)!.json()).toEqual({
      texts: ['first', 'second'],
      input_type: 'search_document',
    });
    expect(response.data[1]?.embedding).toEqual([0.0321, 0.0654, -0.0987]);
    expect(provider.embed).toBeUndefined();
  });

  it('maps AWS error responses with x-amzn-ErrorType', async () => {
    server.reply(
      jsonReply(429, fixture('error-throttling.json'), {
        'x-amzn-errortype':
          'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      }),
    );
    const throttled = await providerError(provider.chat!(hello));
    expect(throttled).toMatchObject({ status: 429, isRetryable: true });
    expect(throttled.message).toBe(
      'bedrock returned HTTP 429: ThrottlingException: Too many requests, please wait before trying again.',
    );
    server.reply(
      jsonReply(400, fixture('error-validation.json'), {
        'x-amzn-errortype': 'ValidationException',
      }),
    );
    const invalid = await providerError(provider.chat!(hello));
    expect(invalid).toMatchObject({ status: 400, isRetryable: false });
    expect(invalid.message).not.toContain(secretAccessKey);
    server.reply(jsonReply(503, { message: 'Service unavailable' }, { 'retry-after': '1' }));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 503,
      isRetryable: true,
      retryAfterMs: 1000,
    });
    server.reply(textReply(200, '<xml>not json</xml>'));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
  });

  it('requires credentials', () => {
    expect(() =>
      createProvider({ provider: 'bedrock', name: modelId, config: { aws_region: 'us-east-1' } }),
    ).toThrow(/aws_access_key_id is required/);
  });
});
