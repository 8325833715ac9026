import type {
  CostDashboard,
  PerformanceDashboard,
  QualityDashboard,
  UsageDashboard,
} from '@cairn/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { day0, seedDashboardFixture } from './test-kit/dashboard-fixtures.js';

const day = 24 * 3600_000;
const range = { start_ms: day0, end_ms: day0 + 3 * day };
const buckets = [day0, day0 + day, day0 + 2 * day];

describe.each(testBackends())('dashboards on $name', (backend) => {
  let test: TestApp;
  const get = async <T>(name: string, query: Record<string, unknown> = {}) => {
    const response = await test.call('GET', `/api/2.0/cairn/dashboards/${name}`, {
      ...range,
      ...query,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as unknown as T;
  };

  beforeAll(async () => {
    test = await openTestApp(backend, { clock: () => day0 + 10 * day });
    await seedDashboardFixture(test.storage);
  });
  afterAll(() => test.close());

  it('performance: exact latency percentiles per day and overall', async () => {
    const body = await get<PerformanceDashboard>('performance');
    expect(body.bucket).toBe('day');
    expect(body.buckets).toEqual(buckets);
    const [first, second, third] = body.latency.series;
    expect(first).toMatchObject({ bucket_start_ms: day0, count: 4 });
    expect(first!.p50).toBeCloseTo(250, 9);
    expect(first!.p95).toBeCloseTo(385, 9);
    expect(first!.p99).toBeCloseTo(397, 9);
    expect(second).toMatchObject({ count: 2 });
    expect(second!.p50).toBeCloseTo(750, 9);
    expect(second!.p95).toBeCloseTo(975, 9);
    expect(second!.p99).toBeCloseTo(995, 9);
    expect(third).toEqual({
      bucket_start_ms: day0 + 2 * day,
      count: 0,
      p50: null,
      p95: null,
      p99: null,
    });
    expect(body.latency.overall.count).toBe(6);
    expect(body.latency.overall.p50).toBeCloseTo(350, 9);
    expect(body.latency.overall.p95).toBeCloseTo(875, 9);
    expect(body.latency.overall.p99).toBeCloseTo(975, 9);
  });

  it('performance: error rates by bucket and by exception type', async () => {
    const { errors } = await get<PerformanceDashboard>('performance');
    expect(errors).toMatchObject({ total: 6, errors: 2 });
    expect(errors.error_rate).toBeCloseTo(1 / 3, 12);
    expect(errors.series.map((point) => [point.total, point.errors, point.error_rate])).toEqual([
      [4, 1, 0.25],
      [2, 1, 0.5],
      [0, 0, 0],
    ]);
    expect(errors.by_type).toEqual([
      { error_type: 'RateLimited', count: 1, share: 0.5 },
      { error_type: 'UNKNOWN', count: 1, share: 0.5 },
    ]);
  });

  it('performance: time to first token from LLM spans, non-numbers ignored', async () => {
    const { ttft } = await get<PerformanceDashboard>('performance');
    expect(ttft.series[0]).toMatchObject({ count: 3, p50: 70 });
    expect(ttft.series[0]!.p95).toBeCloseTo(88, 9);
    expect(ttft.series[0]!.p99).toBeCloseTo(89.6, 9);
    expect(ttft.series[1]).toMatchObject({ count: 1, p50: 30, p95: 30, p99: 30 });
    expect(ttft.overall.count).toBe(4);
    expect(ttft.overall.p50).toBeCloseTo(60, 9);
    expect(ttft.overall.p95).toBeCloseTo(87, 9);
  });

  it('filters by experiment, user, model, route and tag', async () => {
    const count = async (query: Record<string, unknown>) =>
      (await get<PerformanceDashboard>('performance', query)).latency.overall.count;
    expect(await count({ experiment_id: '1' })).toBe(1);
    expect(await count({ experiment_id: ['0', '1'] })).toBe(6);
    expect(await count({ experiment_id: '0,1' })).toBe(6);
    expect(await count({ user: 'alice' })).toBe(2);
    expect(await count({ session: 's2' })).toBe(2);
    expect(await count({ model: 'claude' })).toBe(3);
    expect(await count({ route: 'chat' })).toBe(4);
    expect(await count({ tag: 'cost_center=A' })).toBe(3);
    expect(await count({ tag: ['cost_center=A'], user: 'carol' })).toBe(1);
    const ttft = await get<PerformanceDashboard>('performance', { user: 'carol' });
    expect(ttft.ttft.overall).toMatchObject({ count: 1, p50: 30 });
  });

  it('hour buckets', async () => {
    const body = await get<PerformanceDashboard>('performance', {
      start_ms: day0,
      end_ms: day0 + 2 * 3600_000,
      bucket: 'auto',
    });
    expect(body.bucket).toBe('hour');
    expect(body.errors.series.map((point) => point.total)).toEqual([2, 2]);
  });

  it('cost: spend per bucket and by model with the top-group series', async () => {
    const body = await get<CostDashboard>('cost');
    expect(body.series.map((point) => round(point.cost))).toEqual([1, 1.1, 0]);
    expect(body.series[0]).toMatchObject({ input_tokens: 1000, output_tokens: 400, traces: 4 });
    expect(body.totals).toMatchObject({ traces: 7, input_tokens: 2100, output_tokens: 900 });
    expect(round(body.totals.cost)).toBe(2.1);
    expect(body.group_by).toBe('model');
    expect(body.groups.map((group) => [group.key, round(group.cost), group.traces])).toEqual([
      ['claude', 1.15, 3],
      ['gpt-4o', 0.95, 4],
    ]);
    expect(body.group_series.map((entry) => [entry.key, entry.cost.map(round)])).toEqual([
      ['claude', [0.65, 0.5, 0]],
      ['gpt-4o', [0.35, 0.6, 0]],
    ]);
  });

  it('cost: by user, route, experiment and cost-centre tag (missing keys as null)', async () => {
    const groups = async (groupBy: string) =>
      (await get<CostDashboard>('cost', { group_by: groupBy })).groups.map((group) => [
        group.key,
        round(group.cost),
      ]);
    expect(await groups('user')).toEqual([
      ['carol', 1.1],
      ['bob', 0.7],
      ['alice', 0.3],
      [null, 0],
    ]);
    expect(await groups('route')).toEqual([
      ['chat', 1.2],
      [null, 0.5],
      ['embed', 0.4],
    ]);
    expect(await groups('tag:cost_center')).toEqual([
      ['A', 0.9],
      ['B', 0.7],
      [null, 0.5],
    ]);
    expect(await groups('experiment')).toEqual([
      ['0', 1.5],
      ['1', 0.6],
    ]);
    expect(await groups('session')).toContainEqual(['s3', 1.1]);
  });

  it('cost: the series of each top group adds up to its total, the keyless group included', async () => {
    for (const groupBy of ['route', 'tag:cost_center', 'user', 'experiment']) {
      const body = await get<CostDashboard>('cost', { group_by: groupBy });
      expect(body.group_series.map((entry) => entry.key)).toEqual(
        body.groups.map((group) => group.key),
      );
      for (const [index, entry] of body.group_series.entries()) {
        const total = entry.cost.reduce((sum, cost) => sum + cost, 0);
        expect(round(total), `${groupBy} ${entry.key}`).toBe(round(body.groups[index]!.cost));
      }
    }
  });

  it('cost: linear forecast to month end', async () => {
    const falling = (await get<CostDashboard>('cost')).forecast;
    expect(falling).toMatchObject({
      month_start_ms: Date.UTC(2026, 5, 1),
      month_end_ms: Date.UTC(2026, 6, 1),
      fit_start_ms: day0,
      fit_days: 3,
      projected_remaining: 0,
    });
    expect(falling.daily_slope).toBeCloseTo(-0.5, 9);
    expect(falling.daily_intercept).toBeCloseTo(1.45, 9);
    expect(falling.month_to_date).toBeCloseTo(2.1, 9);
    expect(falling.points).toHaveLength(27);

    const rising = (await get<CostDashboard>('cost', { end_ms: day0 + 2 * day })).forecast;
    expect(rising.fit_days).toBe(2);
    expect(rising.daily_slope).toBeCloseTo(0.1, 9);
    expect(rising.daily_intercept).toBeCloseTo(0.95, 9);
    expect(rising.projected_remaining).toBeCloseTo(71.4, 9);
    expect(rising.projected_month_total).toBeCloseTo(73.5, 9);
    expect(rising.points).toHaveLength(28);
    expect(rising.points[0]!.day_start_ms).toBe(day0 + 2 * day);
    expect(rising.points[0]!.cost).toBeCloseTo(1.2, 9);
  });

  it('usage: requests, active users and sessions, top queries, tools, groups', async () => {
    const body = await get<UsageDashboard>('usage', { group_by: 'user' });
    expect(body.totals).toEqual({ requests: 7, users: 3, sessions: 3 });
    expect(body.series.map((point) => [point.requests, point.users, point.sessions])).toEqual([
      [4, 2, 2],
      [3, 1, 1],
      [0, 0, 0],
    ]);
    expect(body.top_queries).toEqual([
      { query: 'Summarize', count: 2, last_ms: day0 + 100 * 60_000 },
      { query: 'What is Cairn?', count: 2, last_ms: day0 + 20 * 60_000 },
      { query: 'Hello', count: 1, last_ms: day0 + day + 10 * 3600_000 },
      { query: 'Hi', count: 1, last_ms: day0 + day + 10.5 * 3600_000 },
    ]);
    expect(body.tools).toEqual([
      { name: 'search', calls: 2, errors: 1, avg_duration_ms: 20 },
      { name: 'calculator', calls: 1, errors: 0, avg_duration_ms: 5 },
    ]);
    expect(body.groups).toEqual([
      { key: 'alice', requests: 2 },
      { key: 'bob', requests: 2 },
      { key: 'carol', requests: 2 },
      { key: null, requests: 1 },
    ]);
    const filtered = await get<UsageDashboard>('usage', { route: 'chat' });
    expect(filtered.tools.map((tool) => tool.calls)).toEqual([2, 1]);
    expect(filtered.totals).toEqual({ requests: 4, users: 3, sessions: 3 });
  });

  it('quality: metric trends, human feedback, toxicity alerts, judge scores', async () => {
    const body = await get<QualityDashboard>('quality');
    expect(body.metric_trends).toEqual([
      {
        key: 'faithfulness/v1/mean',
        points: [
          { bucket_start_ms: day0, runs: 1, mean: 0.8 },
          { bucket_start_ms: day0 + day, runs: 1, mean: 0.6 },
        ],
      },
      {
        key: 'toxicity/v1/mean',
        points: [
          { bucket_start_ms: day0, runs: 1, mean: 0.7 },
          { bucket_start_ms: day0 + day, runs: 1, mean: 0.1 },
        ],
      },
    ]);
    expect(body.feedback).toHaveLength(1);
    expect(body.feedback[0]).toMatchObject({
      name: 'user_feedback',
      total: 3,
      positive: 2,
      negative: 1,
    });
    expect(body.feedback[0]!.positive_ratio).toBeCloseTo(2 / 3, 12);
    expect(body.feedback[0]!.series.map((point) => [point.positive, point.negative])).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(body.toxicity).toMatchObject({ threshold: 0.5, count: 2 });
    expect(body.toxicity.series.map((point) => point.count)).toEqual([2, 0, 0]);
    expect(body.toxicity.alerts).toEqual([
      {
        source: 'metric',
        name: 'toxicity/v1/mean',
        value: 0.7,
        time_ms: day0 + 5 * 3600_000,
        trace_id: null,
        run_id: 'r1',
      },
      {
        source: 'assessment',
        name: 'toxicity',
        value: 0.9,
        time_ms: day0 + 3 * 3600_000,
        trace_id: 'tr-4',
        run_id: null,
      },
    ]);
    expect(
      body.judges.map((judge) => [
        judge.name,
        judge.count,
        round(judge.mean),
        round(judge.flagged_ratio),
      ]),
    ).toEqual([
      ['faithfulness', 3, 0.6, round(1 / 3)],
      ['hallucination', 2, 0.6, 0.5],
    ]);
    expect(body.judges[0]!.series.map((point) => [point.count, point.mean])).toEqual([
      [2, 0.6],
      [1, 0.6],
      [0, null],
    ]);
  });

  it('quality: chosen metrics and toxicity threshold', async () => {
    const body = await get<QualityDashboard>('quality', {
      metric: 'latency',
      toxicity_threshold: 0.8,
    });
    expect(body.metric_trends).toEqual([
      { key: 'latency', points: [{ bucket_start_ms: day0, runs: 1, mean: 5 }] },
    ]);
    expect(body.toxicity.alerts.map((alert) => alert.value)).toEqual([0.9]);
  });

  it('answers 400 with the MLflow error shape for bad input', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['performance', { start_ms: day0, end_ms: day0 }],
      ['performance', { start_ms: 'yesterday' }],
      ['performance', { start_ms: -5, end_ms: 10 }],
      ['cost', { start_ms: 0, end_ms: day0, bucket: 'hour' }],
      ['cost', { bucket: 'fortnight' }],
      ['cost', { group_by: 'planet' }],
      ['performance', { group_by: 'user' }],
      ['usage', { tag: 'no-equals-sign' }],
      ['usage', { experiment_id: 'abc' }],
      ['quality', { toxicity_threshold: 'high' }],
    ];
    for (const [name, query] of cases) {
      const response = await test.call('GET', `/api/2.0/cairn/dashboards/${name}`, {
        ...range,
        ...query,
      });
      expect(response.status, `${name} ${JSON.stringify(query)}`).toBe(400);
      expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(typeof response.body.message).toBe('string');
    }
  });
});

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

describe.each(testBackends())('cost group series over many keys on $name', (backend) => {
  let test: TestApp;
  beforeAll(async () => {
    test = await openTestApp(backend, { clock: () => day0 + 10 * day });
    for (let index = 0; index < 60; index++) {
      const id = `tr-many-${index}`;
      await test.storage.db
        .insertInto('trace_info')
        .values({
          request_id: id,
          experiment_id: 0,
          timestamp_ms: day0 + (index % 2) * day + index,
          execution_time_ms: 10,
          status: 'OK',
          cost: index,
          user_id: `u${index}`,
        })
        .execute();
      await test.storage.db
        .insertInto('trace_request_metadata')
        .values({ request_id: id, key: 'mlflow.trace.user', value: `u${index}` })
        .execute();
    }
  });
  afterAll(() => test.close());

  it('reads the top ten keys from the key index when they are a small share of traces', async () => {
    const response = await test.call('GET', '/api/2.0/cairn/dashboards/cost', {
      ...range,
      group_by: 'user',
    });
    const body = response.body as unknown as CostDashboard;
    expect(body.groups).toHaveLength(50);
    expect(body.groups[0]).toMatchObject({ key: 'u59', cost: 59, traces: 1 });
    expect(body.group_series.map((entry) => entry.key)).toEqual(
      Array.from({ length: 10 }, (_, index) => `u${59 - index}`),
    );
    expect(body.group_series[0]!.cost).toEqual([0, 59, 0]);
    expect(body.group_series[1]!.cost).toEqual([58, 0, 0]);
  });
});
