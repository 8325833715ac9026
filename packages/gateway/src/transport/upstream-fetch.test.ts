import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider, ProviderError } from '../providers/index.js';
import { type FakeOpenAIServer, startFakeOpenAI } from '../test-kit/fake-openai-server.js';
import { bufferedPostOf } from './buffered-post.js';
import { CallSignal } from './cancel-signal.js';
import { createUpstreamFetch } from './upstream-fetch.js';

let fake: FakeOpenAIServer;
beforeAll(async () => {
  fake = await startFakeOpenAI('node-fetch');
});
afterAll(() => fake.close());

const fetch = createUpstreamFetch();
const provider = () =>
  createProvider(
    {
      provider: 'openai',
      name: 'gpt-4o',
      config: { openai_api_key: 'sk-node-fetch-key', openai_api_base: fake.baseUrl },
    },
    { fetch },
  );

describe('createUpstreamFetch', () => {
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

  it('reads whole answers through bufferedPost: error bodies, garbage, and cut-off bodies', async () => {
    const post = bufferedPostOf(fetch)!;
    fake.behave = () => ({ kind: 'error', status: 503, message: 'overloaded' });
    const answer = await post(`${fake.baseUrl}/chat/completions`, {}, '{}');
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('overloaded');

    fake.behave = () => ({ kind: 'garbage' });
    const garbage = await provider().chat!({ messages: [{ role: 'user', content: 'x' }] }).catch(
      (caught: unknown) => caught,
    );
    expect(garbage).toMatchObject({ status: 502, isRetryable: true });

    // A server that promises 1000 bytes and hangs up after 10.
    const cutter = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      response.write('{"choices"');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(cutter.address() as AddressInfo).port}`;
    const cut = await post(`${url}/v1/chat/completions`, {}, '{}').catch((caught: Error) => caught);
    expect(cut).toBeInstanceOf(Error);
    cutter.close();
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

  it('aborts a hung request through a CallSignal, with this fetch and with global fetch', async () => {
    fake.behave = () => ({ kind: 'hang' });
    for (const fetchFunction of [fetch, globalThis.fetch]) {
      const hungProvider = createProvider(
        {
          provider: 'openai',
          name: 'gpt-4o',
          config: { openai_api_key: 'sk-node-fetch-key', openai_api_base: fake.baseUrl },
        },
        { fetch: fetchFunction },
      );
      const signal = new CallSignal();
      const call = hungProvider.chat!({ messages: [{ role: 'user', content: 'x' }] }, { signal });
      setTimeout(() => signal.abort(new Error('client closed the request')), 50);
      const error = await call.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ status: 504, message: 'openai request was aborted' });
    }
  });

  it('aborts a hung streaming call through a CallSignal', async () => {
    fake.behave = () => ({ kind: 'hang' });
    const signal = new CallSignal();
    const stream = provider().chatStream!(
      { messages: [{ role: 'user', content: 'x' }] },
      { signal },
    );
    setTimeout(() => signal.abort(new Error('client closed the request')), 50);
    const started = Date.now();
    const error = await (async () => {
      for await (const _chunk of stream) {
        // A hung upstream sends nothing.
      }
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 504, message: 'openai request was aborted' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('sends Basic auth for credentials in the base URL', async () => {
    fake.behave = () => ({ kind: 'ok', text: 'hi' });
    const withCredentials = fake.baseUrl.replace('http://', 'http://user:p%40ss@');
    const post = bufferedPostOf(fetch)!;
    await post(`${withCredentials}/chat/completions`, {}, '{"messages":[]}');
    expect(fake.received.at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    );
  });
});

describe('CallSignal', () => {
  it('runs each listener once on abort, not after removal, and keeps the first reason', () => {
    const signal = new CallSignal();
    const heard: string[] = [];
    const kept = () => heard.push('kept');
    const removed = () => heard.push('removed');
    signal.addEventListener('abort', kept);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    const first = new Error('first');
    signal.abort(first);
    signal.abort(new Error('second'));
    expect(heard).toEqual(['kept']);
    expect(signal).toMatchObject({ aborted: true, reason: first });
  });

  it('makes a real AbortSignal that follows it, before or after the abort', () => {
    const before = new CallSignal();
    const real = before.toAbortSignal();
    expect(real.aborted).toBe(false);
    before.abort(new Error('gone'));
    expect(real.aborted).toBe(true);
    expect((real.reason as Error).message).toBe('gone');
    const after = new CallSignal();
    after.abort(new Error('already'));
    expect(after.toAbortSignal().aborted).toBe(true);
  });
});
