import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  type FakeProviderServer,
  jsonReply,
  readFixture,
  startFakeProvider,
  streamReply,
} from '../../test-kit/index.js';
import { createProvider, ProviderError } from '../index.js';

const fixture = (name: string) => readFixture(import.meta.url, name);
let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());

const hello = { model: 'route', messages: [{ role: 'user' as const, content: 'Hello' }] };

describe('azure openai', () => {
  it('calls the deployment with api-version and the api-key header, without a model field', async () => {
    const provider = createProvider({
      provider: 'azure',
      name: 'gpt-4o',
      config: {
        openai_api_key: 'azure-key-0123456789',
        openai_api_base: `${server.url}/`,
        openai_deployment_name: 'prod-gpt4o',
        openai_api_version: '2024-06-01',
      },
    });
    server.reply(jsonReply(200, fixture('chat-completion.json')));
    const response = await provider.chat!(hello);
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe('/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-06-01');
    expect(sent.headers['api-key']).toBe('azure-key-0123456789');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.json()).toEqual({ messages: hello.messages });
    expect(response.choices[0]?.message.content).toBe('Hello! How can I assist you today?');
  });

  it('accepts MLflow style: provider openai with openai_api_type azuread and a bearer token', async () => {
    const provider = createProvider({
      provider: 'openai',
      name: 'text-embedding-3-small',
      config: {
        openai_api_type: 'azuread',
        openai_api_key: 'aad-token-abcdef',
        openai_api_base: server.url,
      },
    });
    expect(provider.id).toBe('azure');
    server.reply(jsonReply(200, fixture('embeddings.json')));
    await provider.embed!({ input: 'hi' });
    const sent = server.requests.at(-1)!;
    expect(sent.url).toBe(
      '/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21',
    );
    expect(sent.headers.authorization).toBe('Bearer aad-token-abcdef');
    expect(sent.headers['api-key']).toBeUndefined();
  });

  it('streams and maps 429 with Retry-After', async () => {
    const provider = createProvider({
      provider: 'azureopenai',
      name: 'gpt-4o',
      config: { openai_api_key: 'azure-key-0123456789', azure_endpoint: server.url },
    });
    server.reply(
      streamReply([
        'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}\n\n',
        'data: {"choices":[{"delta":{"content":"Hi","role":"assistant"},"finish_reason":null,"index":0}],"created":1,"id":"chatcmpl-1","model":"gpt-4o","object":"chat.completion.chunk"}\n\n',
        'data: {"choices":[{"delta":{},"finish_reason":"stop","index":0}],"created":1,"id":"chatcmpl-1","model":"gpt-4o","object":"chat.completion.chunk"}\n\n',
        'data: [DONE]\n\n',
      ]),
    );
    const chunks = await collect(provider.chatStream!(hello));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hi');

    server.reply(jsonReply(429, fixture('error-429.json'), { 'retry-after': '6' }));
    const error = (await provider.chat!(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 6000 });
    expect(error.message).toMatch(/exceeded token rate limit/);
  });

  it('requires a base URL and rejects unknown api types', () => {
    expect(() =>
      createProvider({ provider: 'azure', name: 'x', config: { openai_api_key: 'k' } }),
    ).toThrow(/openai_api_base is required/);
    expect(() =>
      createProvider({
        provider: 'azure',
        name: 'x',
        config: { openai_api_key: 'k', openai_api_base: server.url, openai_api_type: 'aws' },
      }),
    ).toThrow(/openai_api_type must be azure or azuread/);
  });
});
