import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, ProviderError } from '../providers/index.js';
import { type FakeOpenAIServer, startFakeOpenAI } from '../test-kit/fake-openai-server.js';
import { createNodeHttpFetch } from './node-http-fetch.js';

let fake: FakeOpenAIServer;
beforeAll(async () => {
  fake = await startFakeOpenAI('node-fetch');
});
afterAll(() => fake.close());

const fetch = createNodeHttpFetch();
const provider = () =>
  createProvider(
    {
      provider: 'openai',
      name: 'gpt-4o',
      config: { openai_api_key: 'sk-node-fetch-key', openai_api_base: fake.baseUrl },
    },
    { fetch },
  );

describe('createNodeHttpFetch', () => {
  it('carries a provider call: headers, JSON body, JSON answer', async () => {
    fake.behave = () => ({ kind: 'ok', text: 'hi there' });
    const answer = await provider().chat!({ messages: [{ role: 'user', content: 'hello' }] });
    expect(answer.choices[0]!.message.content).toBe('hi there');
    const received = fake.received.at(-1)!;
    expect(received.headers.authorization).toBe('Bearer sk-node-fetch-key');
    expect(received.headers['content-length']).toBe(
      String(Buffer.byteLength(JSON.stringify(received.body))),
    );
    expect(received.body.messages).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('streams through body.getReader()', async () => {
    fake.behave = () => ({ kind: 'ok', text: 'one two three' });
    let text = '';
    for await (const chunk of provider().chatStream!({
      messages: [{ role: 'user', content: 'x' }],
    })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toBe('one two three');
  });

  it('exposes status and Retry-After for errors', async () => {
    fake.behave = () => ({ kind: 'error', status: 429, retryAfterSeconds: 7 });
    const error = await provider().chat!({ messages: [{ role: 'user', content: 'x' }] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 7000, isRetryable: true });
  });

  it('aborts a hung request when the signal fires', async () => {
    fake.behave = () => ({ kind: 'hang' });
    const started = Date.now();
    const error = await provider().chat!(
      { messages: [{ role: 'user', content: 'x' }] },
      { signal: AbortSignal.timeout(100) },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(2000);
    const response = await fetch(`${fake.url}/v1/models`, { signal: AbortSignal.abort() }).catch(
      (caught: Error) => caught,
    );
    expect((response as Error).name).toBe('AbortError');
  });
});
