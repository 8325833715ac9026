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
const apiKey = 'co-SECRET-cohere-key-123';
let server: FakeProviderServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeProvider();
  provider = createProvider({
    provider: 'cohere',
    name: 'command-r-plus',
    config: { cohere_api_key: apiKey, base_url: `${server.url}/v2` },
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

describe('cohere', () => {
  it('sends a v2 chat body with bearer auth and maps the response and billed usage', async () => {
    server.reply(jsonReply(200, fixture('chat.json')));
    const response = await provider.chat!({
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is an LLM?' }] },
      ],
      top_p: 0.8,
      max_tokens: 20,
      stop: 'STOP',
    });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/v2/chat');
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.json()).toEqual({
      model: 'command-r-plus',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is an LLM?' },
      ],
      max_tokens: 20,
      p: 0.8,
      stop_sequences: ['STOP'],
    });
    expect(response).toMatchObject({
      id: 'c14c80c3-18eb-4519-9460-6c92edd8cfb4',
      choices: [
        { message: { content: expect.stringMatching(/^LLMs stand for/) }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 418, total_tokens: 423 },
    });
  });

  it('maps tool calls', async () => {
    server.reply(jsonReply(200, fixture('chat-tool-call.json')));
    const response = await provider.chat!(hello);
    expect(response.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        tool_calls: [
          {
            id: 'query_daily_sales_report_1',
            function: { name: 'query_daily_sales_report', arguments: '{"day":"2023-09-29"}' },
          },
        ],
      },
    });
  });

  it('streams chunk by chunk, ending with usage', async () => {
    const held = gate();
    server.reply(
      streamReply(sseEvents(fixture('chat-stream.sse')), { gateAfter: 1, gate: held.promise }),
    );
    const iterator = provider.chatStream!(hello)[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 2000, 'the first chunk');
    expect(first.value?.choices[0]?.delta.role).toBe('assistant');
    held.open();
    const chunks = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      chunks.push(next.value);
    expect(server.requests.at(-1)!.json().stream).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello world',
    );
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 2,
      total_tokens: 5,
    });
  });

  it('fails a stream cut before message-end', async () => {
    server.reply(streamReply(sseEvents(fixture('chat-stream.sse')).slice(0, 3)));
    expect(await providerError(collect(provider.chatStream!(hello)))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
    server.reply(hangReply(true));
    const hung = provider.chatStream!(hello, { signal: AbortSignal.timeout(100) });
    expect(await providerError(collect(hung))).toMatchObject({ status: 504, isRetryable: true });
  });

  it('embeds through /v2/embed with an input type', async () => {
    server.reply(jsonReply(200, fixture('embed.json')));
    const embedder = createProvider({
      provider: 'cohere',
      name: 'embed-english-v3.0',
      config: {
        cohere_api_key: apiKey,
        base_url: `${server.url}/v2`,
        cohere_input_type: 'search_query',
      },
    });
    const response = await embedder.embed!({ input: ['hello', 'goodbye'] });
    expect(server.requests.at(-1)!.url).toBe('/v2/embed');
    expect(server.requests.at(-1)!.json()).toEqual({
      model: 'embed-english-v3.0',
      texts: ['hello', 'goodbye'],
      input_type: 'search_query',
      embedding_types: ['float'],
    });
    expect(response.data).toHaveLength(2);
    expect(response.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('maps errors: 429 retryable with Retry-After, 401 not, garbage 502', async () => {
    server.reply(jsonReply(429, fixture('error-429.json'), { 'retry-after': '60' }));
    const limited = await providerError(provider.chat!(hello));
    expect(limited).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 60_000 });
    expect(limited.message).toMatch(/Trial key/);
    server.reply(jsonReply(401, fixture('error-401.json')));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 401,
      isRetryable: false,
    });
    server.reply(textReply(200, '<html>'));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
  });
});
