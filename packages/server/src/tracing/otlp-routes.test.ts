import { gzipSync } from 'node:zlib';
import { costOf } from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { exportTraceServiceResponse } from './otlp-proto-schema.js';
import { hexId, otlpJsonRequest, otlpProtobufRequest, ragTrace } from './test-kit/otlp-requests.js';

describe.each(testBackends())('OTLP ingestion on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend);
  });
  afterAll(() => test.close());

  const post = (payload: Buffer | Uint8Array | string, headers: Record<string, string>) =>
    test.app.inject({ method: 'POST', url: '/v1/traces', payload: Buffer.from(payload), headers });
  const getTrace = async (traceId: string) => {
    const response = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/tr-${traceId}`,
    });
    return { status: response.statusCode, body: response.json() };
  };
  const getSpans = async (traceId: string, query = '') => {
    const response = await test.app.inject({
      method: 'GET',
      url: `/api/2.0/cairn/traces/tr-${traceId}/spans${query}`,
    });
    return response.json() as { spans: Record<string, unknown>[]; next_page_token?: string };
  };

  it('ingests a RAG trace as OTLP JSON with types, parentage, tokens, cost and session', async () => {
    const spans = ragTrace();
    const traceId = spans[0]!.traceId;
    const response = await post(JSON.stringify(otlpJsonRequest(spans)), {
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({});

    const { body } = await getTrace(traceId);
    const cost = costOf('gpt-4o', { promptTokens: 1000, completionTokens: 500 });
    expect(body.trace).toMatchObject({
      trace_id: `tr-${traceId}`,
      state: 'OK',
      name: 'rag',
      span_count: 4,
      execution_time_ms: 100,
      usage: { input_tokens: 1000, output_tokens: 500, total_tokens: 1500 },
      cost,
      request_preview: '{"question":"What is a cairn?"}',
      response_preview: '"A pile of stones."',
      usage_by_model: [
        { model: 'gpt-4o', input_tokens: 1000, output_tokens: 500, cost, span_count: 1 },
      ],
    });
    expect(body.trace.trace_metadata).toMatchObject({
      'mlflow.trace.session': 'session-1',
      'mlflow.trace.user': 'alice',
    });

    const page = await getSpans(traceId);
    const byName = Object.fromEntries(page.spans.map((span) => [span.name, span]));
    expect(byName.rag).toMatchObject({
      span_type: 'CHAIN',
      parent_span_id: null,
      inputs: { question: 'What is a cairn?' },
    });
    for (const [name, type] of [
      ['retrieve', 'RETRIEVER'],
      ['rerank', 'RERANKER'],
      ['chat gpt-4o', 'CHAT_MODEL'],
    ] as const) {
      expect(byName[name]).toMatchObject({ span_type: type, parent_span_id: spans[0]!.spanId });
    }
    expect(byName['chat gpt-4o']).toMatchObject({
      model: 'gpt-4o',
      cost,
      usage: { total_tokens: 1500 },
    });
  });

  it('accepts gzip protobuf, answers an ExportTraceServiceResponse, and counts re-sent spans once', async () => {
    const spans = ragTrace();
    const body = gzipSync(otlpProtobufRequest(spans));
    const headers = { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' };
    const first = await post(body, headers);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/x-protobuf');
    expect(exportTraceServiceResponse.decode(first.rawPayload).toJSON()).toEqual({});
    expect((await post(body, headers)).statusCode).toBe(200);
    const { body: trace } = await getTrace(spans[0]!.traceId);
    expect(trace.trace).toMatchObject({ span_count: 4, usage: { total_tokens: 1500 } });
  });

  it('shows the spans of a running trace before its root ends, then completes it', async () => {
    const spans = ragTrace();
    const traceId = spans[0]!.traceId;
    await post(otlpProtobufRequest(spans.slice(1)), { 'content-type': 'application/x-protobuf' });
    const running = await getTrace(traceId);
    expect(running.body.trace).toMatchObject({ state: 'IN_PROGRESS', span_count: 3 });
    expect((await getSpans(traceId)).spans).toHaveLength(3);
    await post(otlpProtobufRequest(spans.slice(0, 1)), {
      'content-type': 'application/x-protobuf',
    });
    expect((await getTrace(traceId)).body.trace).toMatchObject({
      state: 'OK',
      span_count: 4,
      name: 'rag',
    });
  });

  it('pages through the spans of a trace in start order', async () => {
    const traceId = hexId(16);
    const root = hexId(8);
    const start = BigInt(Date.now()) * 1_000_000n;
    const spans = Array.from({ length: 25 }, (_, index) => ({
      traceId,
      spanId: index === 0 ? root : hexId(8),
      parentSpanId: index === 0 ? undefined : root,
      name: `s${index}`,
      start: start + BigInt(index),
      end: start + 1000n,
    }));
    await post(otlpProtobufRequest(spans), { 'content-type': 'application/x-protobuf' });
    const names: unknown[] = [];
    let token: string | undefined;
    do {
      const page = await getSpans(traceId, `?max_results=10${token ? `&page_token=${token}` : ''}`);
      names.push(...page.spans.map((span) => span.name));
      token = page.next_page_token;
    } while (token);
    expect(names).toEqual(spans.map((span) => span.name));
  });

  it('rejects malformed bodies with a 400 and writes nothing of a bad batch', async () => {
    const protobuf = { 'content-type': 'application/x-protobuf' };
    const garbage = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), protobuf);
    expect(garbage.statusCode).toBe(400);
    expect(garbage.json().message).toMatch(/not a valid OTLP/);
    const badJson = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(badJson.statusCode).toBe(400);
    expect((await post('', protobuf)).statusCode).toBe(400);
    expect((await post('x', { 'content-type': 'text/plain' })).statusCode).toBe(400);
    const badGzip = await post('not gzip', { ...protobuf, 'content-encoding': 'gzip' });
    expect(badGzip.statusCode).toBe(400);

    const good = ragTrace();
    const request = otlpJsonRequest(good) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    request.resourceSpans[0]!.scopeSpans[0]!.spans.push({
      traceId: 'abc',
      spanId: '0102030405060708',
      name: 'bad',
    });
    const mixed = await post(JSON.stringify(request), { 'content-type': 'application/json' });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().message).toMatch(/traceId 'abc'/);
    expect((await getTrace(good[0]!.traceId)).status).toBe(404);

    const unknownExperiment = await post(otlpProtobufRequest(good), {
      ...protobuf,
      'x-mlflow-experiment-id': '999',
    });
    expect(unknownExperiment.statusCode).toBe(404);
  });

  it('normalises oversized values, invalid UTF-8, clock skew and unknown parents', async () => {
    const traceId = hexId(16);
    const start = BigInt(Date.now()) * 1_000_000n;
    const request = otlpProtobufRequest([
      {
        traceId,
        spanId: hexId(8),
        parentSpanId: hexId(8),
        name: 'orphan\u0000',
        start,
        end: start - 5_000_000n,
        attributes: { big: 'x'.repeat(10 * 1024 * 1024), marker: 'MARK' },
      },
    ]);
    // Turn the ASCII "MARK" into invalid UTF-8 on the wire.
    const bytes = Buffer.from(request);
    const at = bytes.indexOf('MARK');
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    const response = await post(bytes, { 'content-type': 'application/x-protobuf' });
    expect(response.body).toBe('');
    expect(response.statusCode).toBe(200);
    const [span] = (await getSpans(traceId)).spans;
    expect(span).toMatchObject({ name: 'orphan\uFFFD', end_time_ns: start.toString() });
    expect((span!.attributes as Record<string, string>).big).toHaveLength(1024 * 1024);
    expect((span!.attributes as Record<string, string>).marker).toMatch(/^\uFFFD+RK$/);
    expect(span!.normalizations).toEqual([
      'attribute big truncated from 10485760 to 1048576 characters',
      expect.stringMatching(/end_time .* was before start_time/),
    ]);
    expect((await getTrace(traceId)).body.trace).toMatchObject({
      state: 'IN_PROGRESS',
      span_count: 1,
    });
  });
});
