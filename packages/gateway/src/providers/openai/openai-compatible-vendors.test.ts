import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  type FakeProviderServer,
  jsonReply,
  readFixture,
  sseEvents,
  startFakeProvider,
  streamReply,
} from '../../test-kit/index.js';
import { createProvider, ProviderConfigError, providerIds } from '../index.js';

const fixture = (name: string) => readFixture(import.meta.url, name);
let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const hello = { messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('the OpenAI-compatible family', () => {
  const vendors: [string, string][] = [
    ['mistral', 'mistral_api_key'],
    ['together', 'together_api_key'],
    ['togetherai', 'togetherai_api_key'],
    ['groq', 'groq_api_key'],
    ['deepseek', 'deepseek_api_key'],
    ['openrouter', 'openrouter_api_key'],
    ['fireworks', 'fireworks_api_key'],
    ['vllm', 'api_key'],
    ['openai-compatible', 'api_key'],
  ];
  for (const [providerId, keyName] of vendors) {
    it(`${providerId} speaks OpenAI's chat format at its base URL with ${keyName}`, async () => {
      const provider = createProvider({
        provider: providerId,
        name: 'some-model',
        config: { [keyName]: `key-for-${providerId}`, base_url: `${server.url}/${providerId}/v1` },
      });
      server.reply(jsonReply(200, fixture('chat-completion.json')));
      const response = await provider.chat!(hello);
      const sent = server.requests.at(-1)!;
      expect(sent.url).toBe(`/${providerId}/v1/chat/completions`);
      expect(sent.headers.authorization).toBe(`Bearer key-for-${providerId}`);
      expect(sent.json().model).toBe('some-model');
      expect(response.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    });
  }

  it('ollama needs no key and sends no Authorization header', async () => {
    const provider = createProvider({
      provider: 'ollama',
      name: 'llama3.2',
      config: { base_url: `${server.url}/v1` },
    });
    server.reply(streamReply(sseEvents(fixture('chat-stream.sse'))));
    const chunks = await collect(provider.chatStream!(hello));
    expect(server.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(chunks.length).toBe(5);
  });

  it('serves completions through chat where the vendor has no /completions (groq)', async () => {
    const provider = createProvider({
      provider: 'groq',
      name: 'llama-3.1-8b-instant',
      config: { groq_api_key: 'gsk_test', base_url: server.url },
    });
    expect(provider.embed).toBeUndefined();
    server.reply(jsonReply(200, fixture('chat-completion.json')));
    const response = await provider.complete!({ prompt: 'Hello' });
    expect(server.requests.at(-1)!.url).toBe('/chat/completions');
    expect(server.requests.at(-1)!.json().messages).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(response).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Hello! How can I assist you today?', finish_reason: 'stop' }],
      usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
    });
  });

  it('mistral embeds at /embeddings', async () => {
    const provider = createProvider({
      provider: 'mistral',
      name: 'mistral-embed',
      config: { mistral_api_key: 'mistral-key', base_url: `${server.url}/v1` },
    });
    server.reply(jsonReply(200, fixture('embeddings.json')));
    const response = await provider.embed!({ input: 'hi' });
    expect(server.requests.at(-1)!.url).toBe('/v1/embeddings');
    expect(response.data[0]?.embedding).toHaveLength(3);
  });

  it('rejects configs it cannot use, naming the field', () => {
    const missingKey = () => createProvider({ provider: 'groq', name: 'm', config: {} });
    expect(missingKey).toThrow(ProviderConfigError);
    expect(missingKey).toThrow(/groq_api_key is required/);
    const noBase = () => createProvider({ provider: 'openai-compatible', name: 'm', config: {} });
    expect(noBase).toThrow(/openai_api_base is required/);
    const badBase = () =>
      createProvider({ provider: 'vllm', name: 'm', config: { base_url: 'file:///etc/passwd' } });
    expect(badBase).toThrow(/must be http/);
    const unknown = () => createProvider({ provider: 'nope', name: 'm', config: {} });
    expect(unknown).toThrow(/unknown provider "nope"/);
    try {
      unknown();
    } catch (error) {
      expect((error as ProviderConfigError).field).toBe('provider');
    }
  });

  it('lists every provider id', () => {
    for (const id of ['openai', 'azure', 'anthropic', 'mistral', 'ollama', 'togetherai', 'groq']) {
      expect(providerIds).toContain(id);
    }
  });
});
