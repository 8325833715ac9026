// The official `openai` npm SDK pointed at Cairn's gateway on a real socket, with local fake
// OpenAI servers as the providers: plain and streamed calls, failover on 500s and on a hang,
// and one combined rate limit and budget across two gateway instances sharing the local Redis.
import { type GatewayApp, RedisState } from '@cairn/gateway';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeOpenAIServer,
  startFakeOpenAI,
} from '../../packages/gateway/src/test-kit/fake-openai-server.js';
import { listenTestGateway } from '../../packages/gateway/src/test-kit/listen-test-gateway.js';
import { testRedisUrl, uniquePrefix } from '../../packages/gateway/src/test-kit/redis-url.js';

let primary: FakeOpenAIServer;
let secondary: FakeOpenAIServer;
const running: { app: GatewayApp; close: () => Promise<void> }[] = [];

beforeAll(async () => {
  primary = await startFakeOpenAI('primary');
  secondary = await startFakeOpenAI('secondary');
});
afterAll(async () => {
  await primary.close();
  await secondary.close();
});
afterEach(async () => {
  for (const { close } of running.splice(0)) await close();
  for (const fake of [primary, secondary]) {
    fake.received.length = 0;
    fake.behave = () => ({ kind: 'ok' });
  }
});

function model(fake: FakeOpenAIServer, name = 'gpt-4o-mini', extra = '') {
  return `{ provider: openai, name: ${name}, config: { openai_api_key: $UPSTREAM_KEY, openai_api_base: ${fake.baseUrl} } }${extra}`;
}

async function startGateway(yaml: string, options: { redisPrefix?: string } = {}) {
  const state = options.redisPrefix
    ? await RedisState.connect(testRedisUrl, options.redisPrefix)
    : undefined;
  const { app, sink, keys, address, close } = await listenTestGateway(yaml, { state });
  running.push({ app, close });
  const client = (apiKey = 'unused') =>
    new OpenAI({ baseURL: `${address}/v1`, apiKey, maxRetries: 0 });
  return { app, sink, keys, client };
}

describe('openai SDK against cairn gateway', () => {
  it('chat, streamed chat, completions, embeddings and models', async () => {
    const { client, sink, app } = await startGateway(`routes:
  - name: chat
    route_type: llm/v1/chat
    model: ${model(primary)}
  - name: complete
    route_type: llm/v1/completions
    model: ${model(primary, 'gpt-3.5-turbo-instruct')}
  - name: embed
    route_type: llm/v1/embeddings
    model: ${model(primary, 'text-embedding-3-small')}
`);
    const openai = client();
    const answer = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]!.message.content).toBe('hello from primary');
    expect(answer.usage?.total_tokens).toBe(15);

    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage.total_tokens;
    }
    expect(text).toBe('hello from primary');
    expect(usage).toBe(15);

    const completion = await openai.completions.create({ model: 'complete', prompt: 'Say hi' });
    expect(completion.choices[0]!.text).toBe('hello from primary');
    const embedding = await openai.embeddings.create({ model: 'embed', input: 'x' });
    expect(embedding.data[0]!.embedding).toEqual([0.5, -0.25, 0]);
    const models = [];
    for await (const entry of openai.models.list()) models.push(entry.id);
    expect(models).toEqual(['chat', 'complete', 'embed']);

    await expect(
      openai.chat.completions.create({
        model: 'embed',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'wrong_route_type',
    });
    await app.gateway.logQueue!.flush();
    expect(sink.records.map((record) => [record.route, record.stream, record.status])).toEqual([
      ['chat', false, 200],
      ['chat', true, 200],
      ['complete', false, 200],
      ['embed', false, 200],
      ['embed', false, 400],
    ]);
  });

  it('fails over when the primary returns 500s, streaming or not', async () => {
    const { client, sink, app } = await startGateway(`routes:
  - name: chat
    route_type: llm/v1/chat
    strategy: fallback
    retries: { attempts: 1, backoff_ms: 10 }
    targets:
      - { name: primary, model: ${model(primary)} }
      - { name: secondary, model: ${model(secondary)} }
`);
    primary.behave = () => ({ kind: 'error', status: 500 });
    const openai = client();
    const answer = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]!.message.content).toBe('hello from secondary');
    expect(primary.received).toHaveLength(2);
    const stream = await openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('hello from secondary');
    await app.gateway.logQueue!.flush();
    expect(sink.records[0]).toMatchObject({
      target: 'secondary',
      retries: 1,
      fallbacks: 1,
      status: 200,
    });
  });

  it('fails over when the primary hangs past its timeout', async () => {
    const { client } = await startGateway(`routes:
  - name: chat
    route_type: llm/v1/chat
    targets:
      - { name: primary, timeout_ms: 300, model: ${model(primary)} }
      - { name: secondary, model: ${model(secondary)} }
`);
    primary.behave = () => ({ kind: 'hang' });
    const started = Date.now();
    const answer = await client().chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.choices[0]!.message.content).toBe('hello from secondary');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('enforces one combined rate limit, budget and key set across two gateways sharing Redis', async () => {
    const prefix = uniquePrefix('gateway-compat');
    const yaml = `auth: { virtual_keys: true }
routes:
  - name: limited
    route_type: llm/v1/chat
    model: ${model(primary)}
    limit: { renewal_period: minute, calls: 3 }
  - name: budgeted
    route_type: llm/v1/chat
    targets:
      - { name: pricey, model: ${model(primary)}, price: { prompt_per_1m: 100000, completion_per_1m: 0 } }
    budget: { usd: 2, period: day }
`;
    const first = await startGateway(yaml, { redisPrefix: prefix });
    const second = await startGateway(yaml, { redisPrefix: prefix });
    // A key issued through one gateway's store works on the other.
    const { secret } = await first.keys.create({ name: 'shared' });
    const clients = [first.client(secret), second.client(secret)];
    const ask = (index: number, route: string) =>
      clients[index % 2]!.chat.completions.create({
        model: route,
        messages: [{ role: 'user', content: 'hi' }],
      });

    for (let index = 0; index < 3; index++) await ask(index, 'limited');
    for (const index of [0, 1]) {
      const error = await ask(index, 'limited').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe(
        'rate_limit_exceeded',
      );
      expect(
        Number((error as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')),
      ).toBeGreaterThan(0);
    }

    // Each call costs $1 (10 prompt tokens at $100,000 per million); the day's budget is $2.
    // Spend is charged just after each answer (off the request path); wait until it has landed.
    const settled = () => Promise.all([first.app.gateway.settled(), second.app.gateway.settled()]);
    await ask(0, 'budgeted');
    await settled();
    await ask(1, 'budgeted');
    await settled();
    for (const index of [0, 1]) {
      const error = await ask(index, 'budgeted').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect((error as Error).message).toMatch(
        /Budget exceeded for route 'budgeted': \$2 per day is spent/,
      );
    }
    await expect(
      second.client('ck-00000000_not-a-real-key-at-all').models.list(),
    ).rejects.toMatchObject({ status: 401 });
  });
});
