import type { GatewayLogRecord } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';

const chat: GatewayLogRecord = {
  request_id: '0b9f6c1e-5a4d-4e1a-9c1b-2f3e4d5c6b7a',
  timestamp_ms: Date.UTC(2026, 0, 2, 10, 0, 0),
  route: 'chat',
  route_type: 'llm/v1/chat',
  target: 'openai:gpt-4o-mini',
  provider: 'openai',
  model: 'gpt-4o-mini',
  status: 200,
  stream: true,
  inputs: { messages: [{ role: 'user', content: 'hi' }] },
  outputs: { choices: [{ message: { role: 'assistant', content: 'hello' } }] },
  prompt_tokens: 12,
  completion_tokens: 30,
  total_tokens: 42,
  cost_usd: 0.000123,
  latency_ms: 250,
  ttft_ms: 40,
  overhead_ms: 0.4,
  retries: 1,
  fallbacks: 1,
  cache_hit: false,
  user: 'alice',
  session: 'sess-1',
  tags: { team: 'search' },
  key_id: 'key_abc',
};

const failedEmbedding: GatewayLogRecord = {
  request_id: 'not-a-uuid-1',
  timestamp_ms: Date.UTC(2026, 0, 2, 10, 0, 1),
  route: 'embed',
  route_type: 'llm/v1/embeddings',
  status: 502,
  error: 'upstream failed',
  stream: false,
  latency_ms: 12,
  retries: 0,
  fallbacks: 0,
  cache_hit: false,
};

describe.each(testBackends())('gateway logs on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend);
  });
  afterAll(async () => {
    await test.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/gateway/logs',
      payload: payload as object,
      headers,
    });
  const search = async (experimentId: string) => {
    const response = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/search?experiment_ids=${experimentId}`,
    });
    expect(response.statusCode).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: JSON of the response, read loosely
    return response.json().traces as Record<string, any>[];
  };

  it('stores each record as a trace with a typed root span, roll-ups and metadata', async () => {
    const response = await post({ records: [chat, failedEmbedding], dropped: 3 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ records: 2 });

    const experiment = await test.call('GET', 'experiments/get-by-name', {
      experiment_name: 'gateway',
    });
    const experimentId = (experiment.body.experiment as { experiment_id: string }).experiment_id;
    const traces = await search(experimentId);
    expect(traces).toHaveLength(2);
    const chatTrace = traces.find((trace) => trace.name === 'chat')!;
    expect(chatTrace).toMatchObject({
      trace_id: 'tr-0b9f6c1e5a4d4e1a9c1b2f3e4d5c6b7a',
      state: 'OK',
      execution_time_ms: 250,
      timestamp_ms: chat.timestamp_ms,
      span_count: 1,
      usage: { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
      trace_metadata: {
        'mlflow.trace.user': 'alice',
        'mlflow.trace.session': 'sess-1',
        'cairn.gateway.route': 'chat',
        'cairn.gateway.target': 'openai:gpt-4o-mini',
        'cairn.gateway.provider': 'openai',
        'cairn.gateway.key_id': 'key_abc',
      },
      tags: { team: 'search', 'mlflow.traceName': 'chat', 'cairn.gateway.route': 'chat' },
    });
    expect(chatTrace.cost).toBeCloseTo(0.000123, 9);
    const errorTrace = traces.find((trace) => trace.name === 'embed')!;
    expect(errorTrace.state).toBe('ERROR');

    const spans = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/${chatTrace.trace_id}/spans`,
    });
    const [span] = spans.json().spans;
    expect(span).toMatchObject({
      span_type: 'CHAT_MODEL',
      name: 'gateway/chat',
      model: 'gpt-4o-mini',
      status: 'OK',
      duration_ms: 250,
      usage: { input_tokens: 12, output_tokens: 30, total_tokens: 42 },
      inputs: chat.inputs,
      outputs: chat.outputs,
      attributes: {
        'cairn.gateway.route': 'chat',
        'cairn.gateway.target': 'openai:gpt-4o-mini',
        'gen_ai.system': 'openai',
        'cairn.gateway.retries': 1,
        'cairn.gateway.fallbacks': 1,
        'cairn.gateway.cache_hit': false,
        'cairn.gateway.stream': true,
        'cairn.llm.timeToFirstTokenMs': 40,
      },
    });
    const embedSpans = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/${errorTrace.trace_id}/spans`,
    });
    expect(embedSpans.json().spans[0]).toMatchObject({
      span_type: 'EMBEDDING',
      status: 'ERROR',
      status_message: 'upstream failed',
    });

    // Filters work on the stored metadata, as for any trace.
    const byUser = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/search',
      payload: {
        experiment_ids: [experimentId],
        filter: "metadata.`mlflow.trace.user` = 'alice'",
      },
    });
    expect(byUser.json().traces.map((trace: { name: string }) => trace.name)).toEqual(['chat']);

    // A re-sent record replaces its span: roll-ups do not double.
    expect((await post({ records: [chat] })).statusCode).toBe(200);
    const again = (await search(experimentId)).find((trace) => trace.name === 'chat')!;
    expect(again.usage.total_tokens).toBe(42);

    const status = await test.app.inject({ method: 'GET', url: '/api/2.0/cairn/gateway/status' });
    expect(status.json()).toMatchObject({ mounted: false, received: { records: 3, dropped: 3 } });
  });

  it('honours an experiment named by header or record', async () => {
    const created = await test.call('POST', 'experiments/create', { name: 'gw-elsewhere' });
    const id = created.body.experiment_id as string;
    const record = { ...failedEmbedding, request_id: 'elsewhere-1' };
    expect((await post({ records: [record] }, { 'x-mlflow-experiment-id': id })).statusCode).toBe(
      200,
    );
    expect(
      (await post({ records: [{ ...record, request_id: 'elsewhere-2', experiment_id: id }] }))
        .statusCode,
    ).toBe(200);
    expect((await search(id)).map((trace) => trace.trace_id).sort()).toHaveLength(2);
    const missing = await post({ records: [record] }, { 'x-mlflow-experiment-id': '987654' });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses malformed batches with a 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /'records' array/],
      [{ records: [{ ...chat, route_type: 'llm/v1/images' }] }, /records\[0\]\.route_type/],
      [{ records: [chat, { ...chat, latency_ms: -1 }] }, /records\[1\]\.latency_ms/],
      [{ records: [{ ...chat, request_id: undefined }] }, /records\[0\]\.request_id is required/],
      [{ records: [{ ...chat, tags: { a: 1 } }] }, /records\[0\]\.tags/],
      [{ records: [], dropped: -2 }, /'dropped'/],
    ];
    for (const [payload, message] of cases) {
      const response = await post(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(response.json().message).toMatch(message);
    }
  });
});
