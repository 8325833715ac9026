import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { hexId, postOtlpSpans, type TestSpan } from './test-kit/otlp-requests.js';

const base = Date.UTC(2026, 1, 1);
const minute = 60_000;

/**
 * Trace `index` (0–5) starts `index` minutes after `base` and lasts (index + 1) × 100 ms. Traces
 * 0–3 are named "rag", 4–5 "agent"; trace 5 failed. Every trace but 3 has one chat span lasting
 * (index + 1) × 10 ms with (index + 1) × 100 input and × 10 output tokens, costing
 * (index + 1) × 0.25 USD (exact in binary, so sums compare exactly), on OpenAI (gpt-4o) for even
 * indexes and Anthropic for odd ones.
 */
function seededTrace(index: number): TestSpan[] {
  const traceId = hexId(16);
  const ns = (ms: number) => BigInt(base + index * minute + ms) * 1_000_000n;
  const root = hexId(8);
  const spans: TestSpan[] = [
    {
      traceId,
      spanId: root,
      name: index < 4 ? 'rag' : 'agent',
      start: ns(0),
      end: ns((index + 1) * 100),
      status: index === 5 ? 2 : 1,
      attributes: { 'mlflow.spanType': '"CHAIN"' },
    },
  ];
  if (index !== 3) {
    const even = index % 2 === 0;
    spans.push({
      traceId,
      spanId: hexId(8),
      parentSpanId: root,
      name: 'chat',
      start: ns(10),
      end: ns(10 + (index + 1) * 10),
      status: 1,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system': even ? 'openai' : 'anthropic',
        'gen_ai.request.model': even ? 'gpt-4o' : 'claude-sonnet-4',
        'gen_ai.usage.input_tokens': 100 * (index + 1),
        'gen_ai.usage.output_tokens': 10 * (index + 1),
        // Trace 2's sender gave only the total.
        'mlflow.llm.cost': JSON.stringify(
          index === 2
            ? { total_cost: 0.75 }
            : { input_cost: 0.125 * (index + 1), total_cost: 0.25 * (index + 1) },
        ),
      },
    });
  }
  return spans;
}

/** Per trace index: assessment name, type and value. */
const assessments: [string, 'feedback' | 'expectation', unknown][] = [
  ['relevance', 'feedback', 1],
  ['relevance', 'feedback', 0.5],
  ['relevance', 'feedback', 'yes'],
  ['correctness', 'feedback', false],
  ['relevance', 'feedback', 'no'],
  ['correctness', 'expectation', 'x'],
];

describe.each(testBackends())('trace metrics on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend, { clock: () => base + 10 * minute });
    for (let index = 0; index < 6; index++) {
      const spans = seededTrace(index);
      const response = await postOtlpSpans(test.app, spans);
      expect(response.statusCode).toBe(200);
      const [name, type, value] = assessments[index]!;
      const created = await test.app.inject({
        method: 'POST',
        url: `/api/3.0/mlflow/traces/tr-${spans[0]!.traceId}/assessments`,
        payload: {
          assessment: {
            assessment_name: name,
            source: { source_type: 'HUMAN', source_id: 'reviewer' },
            [type]: { value },
          },
        },
      });
      expect(created.statusCode, created.body).toBe(200);
    }
  });
  afterAll(() => test.close());

  const query = async (body: Record<string, unknown>, prefix = '/api') => {
    const response = await test.app.inject({
      method: 'POST',
      url: `${prefix}/3.0/mlflow/traces/metrics`,
      payload: { experiment_ids: ['0'], ...body },
    });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> };
  };
  const points = async (body: Record<string, unknown>) => {
    const { status, body: answer } = await query(body);
    expect(status, JSON.stringify(answer)).toBe(200);
    return answer.data_points;
  };

  it('counts traces, overall and by name', async () => {
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
      }),
    ).toEqual([{ metric_name: 'trace_count', dimensions: {}, values: { COUNT: 6 } }]);
    expect(
      await points({
        view_type: 1,
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 1 }],
        dimensions: ['trace_name'],
      }),
    ).toEqual([
      { metric_name: 'trace_count', dimensions: { trace_name: 'agent' }, values: { COUNT: 2 } },
      { metric_name: 'trace_count', dimensions: { trace_name: 'rag' }, values: { COUNT: 4 } },
    ]);
  });

  it('buckets by time (ISO 8601 UTC) within the time range, then by status', async () => {
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['trace_status'],
        time_interval_seconds: 120,
        start_time_ms: base,
        end_time_ms: base + 6 * minute,
      }),
    ).toEqual([
      point('trace_count', { time_bucket: '2026-02-01T00:00:00+00:00', trace_status: 'OK' }, 2),
      point('trace_count', { time_bucket: '2026-02-01T00:02:00+00:00', trace_status: 'OK' }, 2),
      point('trace_count', { time_bucket: '2026-02-01T00:04:00+00:00', trace_status: 'ERROR' }, 1),
      point('trace_count', { time_bucket: '2026-02-01T00:04:00+00:00', trace_status: 'OK' }, 1),
    ]);
    // Both ends of the range are inclusive: traces 1, 2 and 3.
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'trace_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        start_time_ms: base + minute,
        end_time_ms: base + 3 * minute,
      }),
    ).toEqual([point('trace_count', {}, 3)]);
  });

  it('aggregates trace latency with averages, percentiles, min and max', async () => {
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'latency',
        aggregations: [
          { aggregation_type: 'AVG' },
          { aggregation_type: 'PERCENTILE', percentile_value: 50 },
          { aggregation_type: 'PERCENTILE', percentile_value: 90 },
          { aggregation_type: 'PERCENTILE', percentile_value: 12.5 },
          { aggregation_type: 'MIN' },
          { aggregation_type: 'MAX' },
        ],
      }),
    ).toEqual([
      {
        metric_name: 'latency',
        dimensions: {},
        values: { AVG: 350, 'P50.0': 350, 'P90.0': 550, 'P12.5': 162.5, MIN: 100, MAX: 600 },
      },
    ]);
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'latency',
        aggregations: [
          { aggregation_type: 'AVG' },
          { aggregation_type: 'PERCENTILE', percentile_value: 50 },
        ],
        dimensions: ['trace_name'],
      }),
    ).toEqual([
      {
        metric_name: 'latency',
        dimensions: { trace_name: 'agent' },
        values: { AVG: 550, 'P50.0': 550 },
      },
      {
        metric_name: 'latency',
        dimensions: { trace_name: 'rag' },
        values: { AVG: 250, 'P50.0': 250 },
      },
    ]);
  });

  it('sums tokens over the traces that recorded usage', async () => {
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'input_tokens',
        aggregations: [{ aggregation_type: 'SUM' }, { aggregation_type: 'AVG' }],
      }),
    ).toEqual([{ metric_name: 'input_tokens', dimensions: {}, values: { SUM: 1700, AVG: 340 } }]);
    expect(
      await points({
        view_type: 'TRACES',
        metric_name: 'total_tokens',
        aggregations: [{ aggregation_type: 'SUM' }],
        filters: ['trace.status = "OK"'],
      }),
    ).toEqual([{ metric_name: 'total_tokens', dimensions: {}, values: { SUM: 1210 } }]);
  });

  it('aggregates spans by type, status, model provider and with span filters', async () => {
    expect(
      await points({
        view_type: 'SPANS',
        metric_name: 'span_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['span_type'],
      }),
    ).toEqual([
      point('span_count', { span_type: 'CHAIN' }, 6),
      point('span_count', { span_type: 'CHAT_MODEL' }, 5),
    ]);
    expect(
      await points({
        view_type: 2,
        metric_name: 'span_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['span_model_provider'],
      }),
    ).toEqual([
      point('span_count', { span_model_provider: 'anthropic' }, 2),
      point('span_count', { span_model_provider: 'openai' }, 3),
      // Spans without a provider form a group of their own, without that dimension.
      point('span_count', {}, 6),
    ]);
    // A span.* filter selects spans themselves in this view, not the traces holding them.
    expect(
      await points({
        view_type: 'SPANS',
        metric_name: 'span_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['span_status'],
        filters: ["span.type = 'CHAIN'"],
      }),
    ).toEqual([
      point('span_count', { span_status: 'ERROR' }, 1),
      point('span_count', { span_status: 'OK' }, 5),
    ]);
    expect(
      await points({
        view_type: 'SPANS',
        metric_name: 'latency',
        aggregations: [
          { aggregation_type: 'AVG' },
          { aggregation_type: 'PERCENTILE', percentile_value: 50 },
          { aggregation_type: 'PERCENTILE', percentile_value: 75 },
        ],
        dimensions: ['span_type'],
      }),
    ).toEqual([
      {
        metric_name: 'latency',
        dimensions: { span_type: 'CHAIN' },
        values: { AVG: 350, 'P50.0': 350, 'P75.0': 475 },
      },
      {
        metric_name: 'latency',
        dimensions: { span_type: 'CHAT_MODEL' },
        values: { AVG: 34, 'P50.0': 30, 'P75.0': 50 },
      },
    ]);
    expect(
      await points({
        view_type: 'SPANS',
        metric_name: 'total_cost',
        aggregations: [{ aggregation_type: 'SUM' }],
        dimensions: ['span_model_name'],
      }),
    ).toEqual([
      point('total_cost', { span_model_name: 'claude-sonnet-4' }, 2, 'SUM'),
      point('total_cost', { span_model_name: 'gpt-4o' }, 2.25, 'SUM'),
    ]);
    expect(
      await points({
        view_type: 'SPANS',
        metric_name: 'input_cost',
        aggregations: [{ aggregation_type: 'SUM' }, { aggregation_type: 'MAX' }],
        dimensions: ['span_model_provider'],
      }),
    ).toEqual([
      {
        metric_name: 'input_cost',
        dimensions: { span_model_provider: 'anthropic' },
        values: { SUM: 1, MAX: 0.75 },
      },
      {
        metric_name: 'input_cost',
        dimensions: { span_model_provider: 'openai' },
        values: { SUM: 0.75, MAX: 0.625 },
      },
    ]);
  });

  it('counts and scores assessments, with assessment filters', async () => {
    expect(
      await points({
        view_type: 'ASSESSMENTS',
        metric_name: 'assessment_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        dimensions: ['assessment_name'],
        time_interval_seconds: 3600,
        start_time_ms: base,
        end_time_ms: base + 3600_000,
      }),
    ).toEqual([
      point(
        'assessment_count',
        { time_bucket: '2026-02-01T00:00:00+00:00', assessment_name: 'correctness' },
        2,
      ),
      point(
        'assessment_count',
        { time_bucket: '2026-02-01T00:00:00+00:00', assessment_name: 'relevance' },
        4,
      ),
    ]);
    expect(
      await points({
        view_type: 3,
        metric_name: 'assessment_value',
        aggregations: [{ aggregation_type: 'AVG' }],
        dimensions: ['assessment_name'],
      }),
    ).toEqual([
      point('assessment_value', { assessment_name: 'correctness' }, 0, 'AVG'),
      point('assessment_value', { assessment_name: 'relevance' }, 0.625, 'AVG'),
    ]);
    expect(
      await points({
        view_type: 'ASSESSMENTS',
        metric_name: 'assessment_count',
        aggregations: [{ aggregation_type: 'COUNT' }],
        filters: ['assessment.type = "feedback"'],
      }),
    ).toEqual([point('assessment_count', {}, 5)]);
  });

  it('answers an experiment without traces with an empty count', async () => {
    for (const experimentId of ['999', 'not-a-number']) {
      expect(
        await points({
          experiment_ids: [experimentId],
          view_type: 'TRACES',
          metric_name: 'trace_count',
          aggregations: [{ aggregation_type: 'COUNT' }],
        }),
      ).toEqual([point('trace_count', {}, 0)]);
    }
  });

  it('pages through groups with tokens, under /ajax-api too', async () => {
    const body = {
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      dimensions: ['trace_name'],
      max_results: 1,
    };
    const first = await query(body, '/ajax-api');
    expect(first.status).toBe(200);
    expect(first.body.data_points).toEqual([point('trace_count', { trace_name: 'agent' }, 2)]);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await query({ ...body, page_token: first.body.next_page_token });
    expect(second.body).toEqual({ data_points: [point('trace_count', { trace_name: 'rag' }, 4)] });
  });

  it.each([
    [{ metric_name: 'bogus' }, /metric_name must be one of \['trace_count', 'latency'/],
    [{ dimensions: ['span_name'] }, /supported dimensions: \['trace_name', 'trace_status'\]/],
    [{ dimensions: ['time_bucket'] }, /set time_interval_seconds/],
    [{ aggregations: [{ aggregation_type: 'SUM' }] }, /supported aggregation types: \['COUNT'\]/],
    [{ aggregations: [{ aggregation_type: 'MEDIAN' }] }, /one of \['COUNT', 'SUM', 'AVG'/],
    [
      { metric_name: 'latency', aggregations: [{ aggregation_type: 'PERCENTILE' }] },
      /percentile_value is required/,
    ],
    [
      {
        metric_name: 'latency',
        aggregations: [{ aggregation_type: 'PERCENTILE', percentile_value: 101 }],
      },
      /between 0 and 100/,
    ],
    [{ view_type: 'LOGS' }, /one of \['TRACES', 'SPANS', 'ASSESSMENTS'\]/],
    [{ time_interval_seconds: 60 }, /start_time_ms and end_time_ms are required/],
    [{ filters: ["trace.status ~ 'OK'"] }, /Invalid filter string/],
    [{ experiment_ids: [] }, /experiment_ids/],
    [{ aggregations: [] }, /aggregations/],
  ])('refuses %j with INVALID_PARAMETER_VALUE', async (override, message) => {
    const { status, body } = await query({
      view_type: 'TRACES',
      metric_name: 'trace_count',
      aggregations: [{ aggregation_type: 'COUNT' }],
      ...override,
    });
    expect(status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(String(body.message)).toMatch(message);
  });
});

function point(
  metricName: string,
  dimensions: Record<string, string>,
  value: number,
  label = 'COUNT',
): Record<string, unknown> {
  return { metric_name: metricName, dimensions, values: { [label]: value } };
}
