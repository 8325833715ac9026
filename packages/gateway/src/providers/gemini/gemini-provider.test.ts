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
const apiKey = 'AIzaSy-SECRET-gemini-key';
let server: FakeProviderServer;
let provider: Provider;

beforeAll(async () => {
  server = await startFakeProvider();
  provider = createProvider({
    provider: 'gemini',
    name: 'gemini-2.0-flash',
    config: { gemini_api_key: apiKey, base_url: `${server.url}/v1beta` },
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

describe('gemini chat', () => {
  it('sends contents, systemInstruction and generationConfig with the key in a header', async () => {
    server.reply(jsonReply(200, fixture('generate-content.json')));
    const response = await provider.chat!({
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is AI?' },
        { role: 'assistant', content: 'A field.' },
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } }],
        },
      ],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 100,
      stop: ['\n\n'],
      response_format: { type: 'json_object' },
    });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(apiKey);
    expect(sent.url).not.toContain(apiKey);
    expect(sent.json()).toEqual({
      contents: [
        { role: 'user', parts: [{ text: 'What is AI?' }] },
        { role: 'model', parts: [{ text: 'A field.' }] },
        { role: 'user', parts: [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }] },
      ],
      systemInstruction: { parts: [{ text: 'You are terse.' }] },
      generationConfig: {
        maxOutputTokens: 100,
        temperature: 0.3,
        topP: 0.9,
        stopSequences: ['\n\n'],
        responseMimeType: 'application/json',
      },
    });
    expect(response).toMatchObject({
      id: 'xQ9eaJmJGq2-nvgPs7KU-AM',
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content:
              'AI, or artificial intelligence, is the ability of machines to learn and reason.',
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 8, completion_tokens: 16, total_tokens: 24 },
    });
  });

  it('maps tools both ways, naming function responses after their call', async () => {
    server.reply(jsonReply(200, fixture('generate-content-function-call.json')));
    const response = await provider.chat!({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(server.requests.at(-1)!.json()).toMatchObject({
      contents: [
        { role: 'user', parts: [{ text: 'Weather?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather', args: { location: 'Paris' } } }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { content: 'sunny' } } }],
        },
      ],
      tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'object' } }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
    });
    const choice = response.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"location":"Boston"}' },
    });
    // Thinking tokens are output the caller pays for.
    expect(response.usage).toEqual({ prompt_tokens: 40, completion_tokens: 16, total_tokens: 56 });
  });

  it('reports a blocked prompt as a content_filter choice', async () => {
    server.reply(
      jsonReply(200, {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
      }),
    );
    const response = await provider.chat!(hello);
    expect(response.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' },
    ]);
  });
});

describe('gemini streaming', () => {
  it('streams from streamGenerateContent?alt=sse chunk by chunk, ending with usage', async () => {
    const held = gate();
    server.reply(
      streamReply(sseEvents(fixture('stream.sse')), { gateAfter: 1, gate: held.promise }),
    );
    const iterator = provider.chatStream!(hello)[Symbol.asyncIterator]();
    const first = await within(iterator.next(), 2000, 'the first chunk');
    expect((first.value as ChatChunk).choices[0]?.delta).toEqual({
      role: 'assistant',
      content: 'The',
    });
    held.open();
    const chunks: ChatChunk[] = [first.value as ChatChunk];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      chunks.push(next.value);
    expect(server.requests.at(-1)!.url).toBe(
      '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse',
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(
      'The sky is blue because of Rayleigh scattering.',
    );
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      id: 'Bw9eaOigBr6hnvgP_rDmqQs',
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 11, total_tokens: 16 },
    });
  });

  it('fails a stream cut before any finish reason', async () => {
    server.reply(streamReply(sseEvents(fixture('stream.sse')).slice(0, 2)));
    const error = await providerError(collect(provider.chatStream!(hello)));
    expect(error).toMatchObject({ status: 502, isRetryable: true });
  });

  it('fails on a stream that hangs', async () => {
    server.reply(hangReply(true));
    const error = await providerError(
      collect(provider.chatStream!(hello, { signal: AbortSignal.timeout(100) })),
    );
    expect(error).toMatchObject({ status: 504, isRetryable: true });
  });

  it('serves streamed completions through chat', async () => {
    server.reply(streamReply(sseEvents(fixture('stream.sse'))));
    const chunks = await collect(provider.completeStream!({ prompt: 'Why is the sky blue?' }));
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe(
      'The sky is blue because of Rayleigh scattering.',
    );
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(16);
  });
});

describe('gemini embeddings and errors', () => {
  it('embeds through batchEmbedContents', async () => {
    const embedder = createProvider({
      provider: 'gemini',
      name: 'models/text-embedding-004',
      config: { gemini_api_key: apiKey, base_url: `${server.url}/v1beta` },
    });
    server.reply(jsonReply(200, fixture('batch-embed.json')));
    const response = await embedder.embed!({ input: ['first', 'second'], dimensions: 4 });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/v1beta/models/text-embedding-004:batchEmbedContents');
    expect(sent.json()).toEqual({
      requests: [
        {
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'first' }] },
          outputDimensionality: 4,
        },
        {
          model: 'models/text-embedding-004',
          content: { parts: [{ text: 'second' }] },
          outputDimensionality: 4,
        },
      ],
    });
    expect(response.model).toBe('text-embedding-004');
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[1]?.embedding[0]).toBeCloseTo(-0.0090433);
  });

  it('maps 400, 429 and 503 with their retryability', async () => {
    server.reply(jsonReply(400, fixture('error-400.json')));
    const invalid = await providerError(provider.chat!(hello));
    expect(invalid).toMatchObject({ status: 400, isRetryable: false });
    expect(invalid.message).toBe(
      'gemini returned HTTP 400: API key not valid. Please pass a valid API key.',
    );
    server.reply(jsonReply(429, fixture('error-429.json'), { 'retry-after': '17' }));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 429,
      isRetryable: true,
      retryAfterMs: 17_000,
    });
    server.reply(jsonReply(503, fixture('error-503.json')));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 503,
      isRetryable: true,
    });
  });

  it('maps garbage and empty answers to a retryable 502', async () => {
    server.reply(textReply(200, 'not json at all'));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
    server.reply(jsonReply(200, {}));
    expect(await providerError(provider.chat!(hello))).toMatchObject({
      status: 502,
      isRetryable: true,
    });
  });
});
