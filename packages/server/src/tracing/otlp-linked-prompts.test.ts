import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { hexId, otlpJsonRequest, postOtlpSpans, type TestSpan } from './test-kit/otlp-requests.js';

// MLflow writes its span attributes as JSON text, so a list arrives as one JSON string.
const linked = (...prompts: [string, string | number][]) =>
  JSON.stringify(prompts.map(([name, version]) => ({ name, version })));

describe.each(testBackends())('linked prompts over OTLP on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend);
  });
  afterAll(() => test.close());

  const post = async (payload: Uint8Array | string, contentType: string) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/v1/traces',
      payload: Buffer.from(payload),
      headers: { 'content-type': contentType },
    });
    expect(response.statusCode, response.body).toBe(200);
  };
  const send = async (spans: TestSpan[]) => {
    const response = await postOtlpSpans(test.app, spans);
    expect(response.statusCode, response.body).toBe(200);
  };
  const tags = async (traceId: string) =>
    (await test.app.inject({ method: 'GET', url: `/api/2.0/cairn/traces/tr-${traceId}` })).json()
      .trace.tags as Record<string, string>;
  const linkedPrompts = async (traceId: string) => {
    const value = (await tags(traceId))['mlflow.linkedPrompts'];
    return value === undefined ? undefined : JSON.parse(value);
  };
  const search = async (filter: string) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/search',
      payload: { experiment_ids: ['0'], filter },
    });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().traces as { trace_id: string }[]).map((trace) => trace.trace_id);
  };
  const span = (traceId: string, attributes: TestSpan['attributes'], parentSpanId?: string) => {
    const start = BigInt(Date.now()) * 1_000_000n;
    return {
      traceId,
      spanId: hexId(8),
      parentSpanId,
      name: 'step',
      start,
      end: start + 1000n,
      attributes,
    };
  };

  it('merges the prompts of every span, across batches, each version once', async () => {
    const traceId = hexId(16);
    const root = span(traceId, { 'mlflow.linkedPrompts': linked(['a', '1']) });
    await send([
      root,
      span(traceId, { 'mlflow.linkedPrompts': linked(['b', 2], ['a', '1']) }, root.spanId),
      span(traceId, { 'cairn.trace.tags': JSON.stringify({ team: 'search' }) }, root.spanId),
    ]);
    expect(await linkedPrompts(traceId)).toEqual([
      { name: 'a', version: '1' },
      { name: 'b', version: '2' },
    ]);

    // A later batch adds to the stored tag; the SDK's trace-tags map merges the same way.
    await send([
      span(traceId, { 'mlflow.linkedPrompts': linked(['c', '3'], ['b', '2']) }, root.spanId),
      span(
        traceId,
        { 'cairn.trace.tags': JSON.stringify({ 'mlflow.linkedPrompts': linked(['d', '4']) }) },
        root.spanId,
      ),
    ]);
    expect(await linkedPrompts(traceId)).toEqual([
      { name: 'a', version: '1' },
      { name: 'b', version: '2' },
      { name: 'c', version: '3' },
      { name: 'd', version: '4' },
    ]);
    expect(await tags(traceId)).toMatchObject({ team: 'search' });

    // Re-sending known versions changes nothing.
    await send([span(traceId, { 'mlflow.linkedPrompts': linked(['a', '1'], ['d', '4']) })]);
    expect(await linkedPrompts(traceId)).toHaveLength(4);

    expect(await search('prompt = "a/1"')).toEqual([`tr-${traceId}`]);
    expect(await search('prompt = "c/3"')).toEqual([`tr-${traceId}`]);
    expect(await search('prompt = "zzz/9"')).toEqual([]);
  });

  it('accepts the attribute already decoded as a list (OTLP JSON array of kvlists)', async () => {
    const traceId = hexId(16);
    const request = otlpJsonRequest([span(traceId, { other: 'x' })]) as {
      resourceSpans: { scopeSpans: { spans: { attributes: unknown[] }[] }[] }[];
    };
    const sent = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const entry = (name: string, version: string) => ({
      kvlistValue: {
        values: [
          { key: 'name', value: { stringValue: name } },
          { key: 'version', value: { intValue: version } },
        ],
      },
    });
    sent.attributes.push({
      key: 'mlflow.linkedPrompts',
      value: { arrayValue: { values: [entry('e', '5'), entry('f', '6')] } },
    });
    await post(JSON.stringify(request), 'application/json');
    expect(await linkedPrompts(traceId)).toEqual([
      { name: 'e', version: '5' },
      { name: 'f', version: '6' },
    ]);
    expect(await search('prompt = "f/6"')).toEqual([`tr-${traceId}`]);
  });

  it('ignores invalid values for the tag but stores the span as sent', async () => {
    const traceId = hexId(16);
    await send([span(traceId, { 'mlflow.linkedPrompts': linked(['g', '7']) })]);
    const bad = [
      'not json',
      '{"name":"g","version":"8"}',
      '[{"name":"g","version":{"nested":1}}]',
      '[{"version":"8"}]',
    ];
    const spans = bad.map((value) => span(traceId, { 'mlflow.linkedPrompts': value }));
    spans.push(
      span(traceId, { 'cairn.trace.tags': JSON.stringify({ 'mlflow.linkedPrompts': 'nope' }) }),
    );
    await send(spans);
    expect(await tags(traceId)).toEqual({ 'mlflow.linkedPrompts': linked(['g', '7']) });

    const page = (
      await test.app.inject({ method: 'GET', url: `/api/2.0/cairn/traces/tr-${traceId}/spans` })
    ).json() as { spans: { span_id: string; attributes: Record<string, unknown> }[] };
    const stored = page.spans.find((row) => row.span_id === spans[0]!.spanId);
    expect(stored?.attributes['mlflow.linkedPrompts']).toBe('not json');
    expect(await search('prompt = "g/7"')).toEqual([`tr-${traceId}`]);
    expect(await search('prompt = "g/8"')).toEqual([]);
  });

  it('keeps every prompt when batches for one trace arrive concurrently', async () => {
    const traceId = hexId(16);
    const names = ['p', 'q', 'r', 's', 't', 'u'];
    await Promise.all(
      names.map((name) => send([span(traceId, { 'mlflow.linkedPrompts': linked([name, '1']) })])),
    );
    const prompts = (await linkedPrompts(traceId)) as { name: string }[];
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(names);
  });

  it('keeps prompts linked through the link-prompts API and OTLP at the same time', async () => {
    const traceId = hexId(16);
    await send([span(traceId, { 'mlflow.linkedPrompts': linked(['first', '1']) })]);
    const viaApi = ['api-a', 'api-b', 'api-c'].map(async (name) => {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/traces/link-prompts',
        payload: { trace_id: `tr-${traceId}`, prompt_versions: [{ name, version: '2' }] },
      });
      expect(response.statusCode, response.body).toBe(200);
    });
    const viaOtlp = ['otlp-a', 'otlp-b', 'otlp-c'].map((name) =>
      send([span(traceId, { 'mlflow.linkedPrompts': linked([name, '3']) })]),
    );
    await Promise.all([...viaApi, ...viaOtlp]);
    const prompts = (await linkedPrompts(traceId)) as { name: string }[];
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual([
      'api-a',
      'api-b',
      'api-c',
      'first',
      'otlp-a',
      'otlp-b',
      'otlp-c',
    ]);
  });

  it('leaves traces without linked prompts untagged', async () => {
    const traceId = hexId(16);
    await send([span(traceId, { 'cairn.trace.tags': JSON.stringify({ team: 'x' }) })]);
    expect(await tags(traceId)).toEqual({ team: 'x' });
  });
});
