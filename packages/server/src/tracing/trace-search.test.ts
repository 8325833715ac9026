import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { postOtlpSpans, ragTrace } from './test-kit/otlp-requests.js';
import { parseTraceFilter } from './trace-filter.js';

describe('parseTraceFilter', () => {
  it('reads MLflow 3 and 2 spellings, backticks and IN lists', () => {
    expect(
      parseTraceFilter(
        "trace.status = 'OK' and metadata.`mlflow.trace.session` = \"s\" AND span.attributes.`gen_ai.system` LIKE 'open%' AND tags.team IN ('a', 'b') AND timestamp_ms >= 5",
      ),
    ).toEqual([
      { field: { kind: 'attribute', name: 'status' }, comparator: '=', value: 'OK' },
      { field: { kind: 'metadata', key: 'mlflow.trace.session' }, comparator: '=', value: 's' },
      {
        field: { kind: 'spanAttribute', key: 'gen_ai.system' },
        comparator: 'LIKE',
        value: 'open%',
      },
      { field: { kind: 'tag', key: 'team' }, comparator: 'IN', value: ['a', 'b'] },
      { field: { kind: 'attribute', name: 'timestamp_ms' }, comparator: '>=', value: 5 },
    ]);
  });

  it('reads prompt, assessment and trace-metrics spellings', () => {
    expect(
      parseTraceFilter(
        'prompt = "qa/01" AND assessment.name = \'relevance\' AND trace.metadata.`mlflow.trace.user` = "u" AND trace.tag.team = "a"',
      ),
    ).toEqual([
      { field: { kind: 'prompt' }, comparator: '=', value: 'qa/01' },
      { field: { kind: 'assessment', name: 'name' }, comparator: '=', value: 'relevance' },
      { field: { kind: 'metadata', key: 'mlflow.trace.user' }, comparator: '=', value: 'u' },
      { field: { kind: 'tag', key: 'team' }, comparator: '=', value: 'a' },
    ]);
  });

  it.each([
    ["trace.status = 'OK' OR trace.name = 'x'", /joined by 'AND'/],
    ['trace.bogus = 1', /invalid identifier 'trace.bogus'/],
    ["trace.timestamp_ms = 'soon'", /expected a number/],
    ["trace.name > 'a'", /only compares numeric/],
    ["trace.name = 'unterminated", /unterminated/],
    ["trace.text = 'x'", /LIKE and ILIKE only/],
    ['prompt != "qa/1"', /only '=' is supported/],
    ['prompt = "qa"', /'name\/version' with an integer version/],
    ['prompt = "qa/v1"', /'name\/version' with an integer version/],
    ['prompt = 3', /'name\/version' with an integer version/],
  ])('refuses %s', (filter, message) => {
    expect(() => parseTraceFilter(filter)).toThrow(message);
  });
});

describe.each(testBackends())('trace search on $name', (backend) => {
  let test: TestApp;
  const base = Date.UTC(2026, 1, 1);
  const traceIds: string[] = [];
  beforeAll(async () => {
    test = await openTestApp(backend);
    for (let index = 0; index < 6; index++) {
      const spans = ragTrace(undefined, base + index * 1000);
      spans[0]!.attributes!['session.id'] = `session-${index % 2}`;
      if (index === 5) spans[3]!.status = 2;
      if (index === 4) spans[0]!.attributes!['mlflow.spanInputs'] = '{"question":"Why Stones?"}';
      traceIds.push(`tr-${spans[0]!.traceId}`);
      const response = await postOtlpSpans(test.app, spans);
      expect(response.statusCode).toBe(200);
    }
  });
  afterAll(() => test.close());

  const search = async (filter: string, extra: Record<string, unknown> = {}) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/search',
      payload: { experiment_ids: ['0'], filter, ...extra },
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { traces: { trace_id: string }[]; next_page_token?: string };
    return { ids: body.traces.map((trace) => trace.trace_id), next: body.next_page_token };
  };

  it('filters by metadata and time range, newest first', async () => {
    const { ids } = await search(
      `metadata.\`mlflow.trace.session\` = 'session-1' AND trace.timestamp_ms >= ${base + 2000} AND trace.timestamp_ms < ${base + 6000}`,
    );
    expect(ids).toEqual([traceIds[5], traceIds[3]]);
  });

  it('filters by span type, span attributes, span status, text and LIKE case', async () => {
    expect((await search("span.type = 'RERANKER'")).ids).toHaveLength(6);
    expect((await search("span.attributes.`gen_ai.system` = 'openai'")).ids).toHaveLength(6);
    expect((await search("span.status = 'ERROR'")).ids).toEqual([traceIds[5]]);
    expect((await search("trace.text LIKE '%Why Stones%'")).ids).toEqual([traceIds[4]]);
    expect((await search("trace.text LIKE '%why stones%'")).ids).toEqual([]);
    expect((await search("trace.text ILIKE '%why stones%'")).ids).toEqual([traceIds[4]]);
    expect((await search("trace.name RLIKE '^ra'")).ids).toHaveLength(6);
    expect((await search('trace.cost > 0 AND trace.total_tokens = 1500')).ids).toHaveLength(6);
  });

  it('filters by linked prompt version, as MLflow and the Cairn SDK write the tag', async () => {
    const linked = [
      '[{"name": "qa", "version": "1"}]',
      '[{"name":"qa","version":2},{"name":"summarize","version":"1"}]',
      'not json',
      '{"name":"qa","version":"1"}',
      '[{"name":"qa","version":{"nested":1}}]',
    ];
    for (const [index, value] of linked.entries()) {
      const response = await test.app.inject({
        method: 'PATCH',
        url: `/api/3.0/mlflow/traces/${traceIds[index]}/tags`,
        payload: { key: 'mlflow.linkedPrompts', value },
      });
      expect(response.statusCode, response.body).toBe(200);
    }
    expect((await search('prompt = "qa/1"')).ids).toEqual([traceIds[0]]);
    expect((await search("prompt = 'qa/2'")).ids).toEqual([traceIds[1]]);
    expect((await search('prompt = "summarize/1"')).ids).toEqual([traceIds[1]]);
    expect((await search('prompt = "qa/3"')).ids).toEqual([]);
    expect((await search('prompt = "q/1"')).ids).toEqual([]);
    expect((await search(`prompt = "qa/2" AND trace.timestamp_ms >= ${base + 1000}`)).ids).toEqual([
      traceIds[1],
    ]);
    expect((await search(`prompt = "qa/2" AND trace.timestamp_ms > ${base + 1000}`)).ids).toEqual(
      [],
    );
    for (const filter of ['prompt != "qa/1"', 'prompt = "qa"', 'prompt LIKE "qa/%"']) {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/3.0/mlflow/traces/search',
        payload: { locations: [{ mlflow_experiment: { experiment_id: '0' } }], filter },
      });
      expect(response.statusCode, filter).toBe(400);
      expect(response.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('orders and pages with tokens', async () => {
    const first = await search('', { order_by: ['timestamp_ms ASC'], max_results: 4 });
    expect(first.ids).toEqual(traceIds.slice(0, 4));
    const second = await search('', {
      order_by: ['timestamp_ms ASC'],
      max_results: 4,
      page_token: first.next,
    });
    expect(second.ids).toEqual(traceIds.slice(4));
    expect(second.next).toBeUndefined();
    const bad = await test.app.inject({
      method: 'POST',
      url: '/api/2.0/cairn/traces/search',
      payload: { experiment_ids: ['0'], page_token: 'not-a-token' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('lists sessions with trace counts, tokens, cost and times', async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/2.0/cairn/traces/sessions?experiment_ids=0',
    });
    const { sessions } = response.json() as { sessions: Record<string, number | string>[] };
    expect(sessions.map((session) => session.session_id)).toEqual(['session-1', 'session-0']);
    expect(sessions[0]).toMatchObject({
      trace_count: 3,
      total_tokens: 4500,
      first_timestamp_ms: base + 1000,
      last_timestamp_ms: base + 5100,
    });
  });
});
