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
const apiKey = 'sk-test-SECRET-KEY-1234567890';
let server: FakeProviderServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeProvider();
  provider = createProvider({
    provider: 'openai',
    name: 'gpt-4o',
    config: {
      openai_api_key: apiKey,
      openai_api_base: `${server.url}/v1/`,
      openai_organization: 'org-cairn',
    },
  });
});
afterAll(() => server.close());

const hello = { model: 'my-route', messages: [{ role: 'user' as const, content: 'Hello' }] };

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('openai chat', () => {
  it('sends the request with the configured model and auth, and returns the response', async () => {
    server.reply(jsonReply(200, fixture('chat-completion.json')));
    const response = await provider.chat!({ ...hello, temperature: 0.2, metadata: { team: 'a' } });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.headers['openai-organization']).toBe('org-cairn');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.json()).toEqual({ model: 'gpt-4o', messages: hello.messages, temperature: 0.2 });
    expect(response.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    expect(response.usage).toMatchObject({
      prompt_tokens: 19,
      completion_tokens: 10,
      total_tokens: 29,
    });
  });

  it('passes tool calls through', async () => {
    server.reply(jsonReply(200, fixture('chat-tool-call.json')));
    const response = await provider.chat!(hello);
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(response.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_current_weather');
  });

  it('streams chunk by chunk and asks for the usage chunk', async () => {
    const events = sseEvents(fixture('chat-stream.sse'));
    const held = gate();
    server.reply(streamReply(events, { gateAfter: 1, gate: held.promise }));
    const iterator = provider.chatStream!(hello)[Symbol.asyncIterator]();
    // The first chunk must arrive while the server still holds back the rest of the stream.
    const first = await within(iterator.next(), 2000, 'the first chunk');
    expect((first.value as ChatChunk).choices[0]?.delta.role).toBe('assistant');
    held.open();
    const rest: ChatChunk[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      rest.push(next.value);
    }
    expect(rest.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'Hello there!',
    );
    expect(rest.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3 });
    expect(server.requests.at(-1)!.json()).toMatchObject({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('fails a stream cut before any choice finished', async () => {
    const events = sseEvents(fixture('chat-stream.sse')).slice(0, 2);
    server.reply(streamReply(events));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error.status).toBe(502);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/stream ended/);
  });

  it('fails a stream whose connection resets', async () => {
    server.reply(streamReply(sseEvents(fixture('chat-stream.sse')).slice(0, 2), { reset: true }));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error.isRetryable).toBe(true);
  });

  it('fails a stream with a garbage event', async () => {
    server.reply(streamReply(['data: {"id":"x","choices":[{"ind\n\n']));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/not JSON/);
  });

  it('surfaces an error event sent mid-stream', async () => {
    const events = sseEvents(fixture('chat-stream.sse')).slice(0, 2);
    events.push('data: {"error":{"message":"Provider returned error","code":502}}\n\n');
    server.reply(streamReply(events));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/Provider returned error/);
  });
});

describe('openai completions and embeddings', () => {
  it('completes', async () => {
    server.reply(jsonReply(200, fixture('completion.json')));
    const response = await provider.complete!({ model: 'route', prompt: 'Say this is a test' });
    expect(server.requests.at(-1)!.url).toBe('/v1/completions');
    expect(server.requests.at(-1)!.json()).toEqual({
      model: 'gpt-4o',
      prompt: 'Say this is a test',
    });
    expect(response.choices[0]?.text).toBe('\n\nThis is indeed a test');
    expect(response.usage?.total_tokens).toBe(12);
  });

  it('streams completions', async () => {
    server.reply(streamReply(sseEvents(fixture('completion-stream.sse'))));
    const chunks = await collect(provider.completeStream!({ prompt: 'Say this is a test' }));
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe('This is a test.');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(10);
  });

  it('embeds, always asking for floats', async () => {
    server.reply(jsonReply(200, fixture('embeddings.json')));
    const response = await provider.embed!({ input: ['a', 'b'], encoding_format: 'base64' });
    expect(server.requests.at(-1)!.url).toBe('/v1/embeddings');
    expect(server.requests.at(-1)!.json()).toEqual({ model: 'gpt-4o', input: ['a', 'b'] });
    expect(response.data).toHaveLength(2);
    expect(response.usage.prompt_tokens).toBe(8);
  });
});

describe('openai errors', () => {
  it('maps 401 to a non-retryable error that never shows the key', async () => {
    server.reply(jsonReply(401, fixture('error-401.json')));
    const error = await providerError(provider.chat!(hello));
    expect(error.status).toBe(401);
    expect(error.isRetryable).toBe(false);
    expect(error.providerId).toBe('openai');
    expect(error.message).toMatch(
      /^openai returned HTTP 401: invalid_request_error: Incorrect API key provided: \[redacted\]/,
    );
    expect(error.message).not.toContain(apiKey);
  });

  it('maps 429 with Retry-After seconds to a retryable error', async () => {
    server.reply(jsonReply(429, fixture('error-429.json'), { 'retry-after': '2' }));
    const error = await providerError(provider.chat!(hello));
    expect(error).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 2000 });
    expect(error.message).toMatch(/Rate limit reached/);
  });

  it('prefers retry-after-ms and reads Retry-After as an HTTP date', async () => {
    server.reply(
      jsonReply(429, fixture('error-429.json'), { 'retry-after-ms': '120', 'retry-after': '1' }),
    );
    expect((await providerError(provider.chat!(hello))).retryAfterMs).toBe(120);
    const later = new Date(Date.now() + 30_000).toUTCString();
    server.reply(jsonReply(503, { error: { message: 'busy' } }, { 'retry-after': later }));
    const error = await providerError(provider.chat!(hello));
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('maps a 502 HTML page to a retryable error quoting the page', async () => {
    server.reply(textReply(502, '<html><body>Bad gateway</body></html>'));
    const error = await providerError(provider.chat!(hello));
    expect(error).toMatchObject({ status: 502, isRetryable: true });
    expect(error.message).toContain('Bad gateway');
  });

  it('maps a 200 that is not JSON to a retryable 502', async () => {
    server.reply(textReply(200, '{"id": "chatcmpl-1", "choices": ['));
    const error = await providerError(provider.chat!(hello));
    expect(error).toMatchObject({ status: 502, isRetryable: true });
    expect(error.message).toMatch(/not JSON/);
  });

  it('maps JSON without choices to a 502', async () => {
    server.reply(jsonReply(200, { hello: 'world' }));
    expect((await providerError(provider.chat!(hello))).status).toBe(502);
  });

  it('gives up on a hung connection when the caller signal fires', async () => {
    server.reply(hangReply());
    const error = await providerError(provider.chat!(hello, { signal: AbortSignal.timeout(150) }));
    expect(error).toMatchObject({ status: 504, isRetryable: true });
    expect(error.message).toMatch(/timed out/);
  });

  it('gives up on a stream that hangs after its headers', async () => {
    server.reply(hangReply(true));
    const stream = provider.chatStream!(hello, { signal: AbortSignal.timeout(150) });
    const error = await providerError(collect(stream));
    expect(error).toMatchObject({ status: 504, isRetryable: true });
  });

  it('maps a refused connection to a retryable 502', async () => {
    const closed = await startFakeProvider();
    await closed.close();
    const unreachable = createProvider({
      provider: 'openai',
      name: 'gpt-4o',
      config: { openai_api_key: apiKey, openai_api_base: closed.url },
    });
    const error = await providerError(unreachable.chat!(hello));
    expect(error).toMatchObject({ status: 502, isRetryable: true });
    expect(error.message).toMatch(/network error: ECONNREFUSED/);
  });
});
