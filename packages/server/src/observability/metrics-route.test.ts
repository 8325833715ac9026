import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedDashboardFixture } from '../dashboards/test-kit/dashboard-fixtures.js';
import { openTestApp, type TestApp } from '../test-kit/test-app.js';
import { testBackends } from '../test-kit/test-backends.js';
import { postOtlpSpans, ragTrace } from '../tracing/test-kit/otlp-requests.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition samples (no escapes in our label values). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

describe.each(testBackends())('GET /metrics on $name', (backend) => {
  let test: TestApp;
  beforeEach(async () => {
    test = await openTestApp(backend);
  });
  afterEach(() => test.close());

  const scrape = async () => {
    const response = await test.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: response.body, samples: parseExposition(response.body) };
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.find(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, expected]) => sample.labels[key] === expected),
    )?.value;

  it('counts requests and observes latency per route pattern, not per URL', async () => {
    const before = (await scrape()).samples;
    const route = '/api/2.0/mlflow/experiments/get';
    for (const id of ['0', '0', '12345']) {
      await test.call('GET', 'experiments/get', { experiment_id: id });
    }
    // GETs of unknown paths fall to the web UI's SPA route; a POST finds no route at all.
    await test.app.inject({ method: 'POST', url: '/no/such/path/1' });
    await test.app.inject({ method: 'POST', url: '/no/such/path/2' });
    const { text, samples } = await scrape();
    expect(text).toContain('# TYPE cairn_http_requests_total counter');
    expect(text).toContain('# TYPE cairn_http_request_duration_seconds histogram');
    const ok = { route, method: 'GET', status: '200' };
    expect(value(samples, 'cairn_http_requests_total', ok)).toBe(
      (value(before, 'cairn_http_requests_total', ok) ?? 0) + 2,
    );
    expect(
      value(samples, 'cairn_http_requests_total', { route, method: 'GET', status: '404' }),
    ).toBe(1);
    expect(
      value(samples, 'cairn_http_request_duration_seconds_count', { route, method: 'GET' }),
    ).toBe(3);
    expect(
      value(samples, 'cairn_http_request_duration_seconds_bucket', {
        route,
        method: 'GET',
        le: '+Inf',
      }),
    ).toBe(3);
    expect(value(samples, 'cairn_http_requests_total', { route: 'unmatched', status: '404' })).toBe(
      2,
    );
    expect(samples.some((sample) => sample.labels.route?.includes('12345'))).toBe(false);
    expect(samples.some((sample) => sample.name === 'process_resident_memory_bytes')).toBe(true);
  });

  it('counts metrics and params logged through log-metric and log-batch', async () => {
    const run = await test.call('POST', 'runs/create', { experiment_id: '0', start_time: 1 });
    const runId = (run.body.run as { info: { run_id: string } }).info.run_id;
    await test.call('POST', 'runs/log-metric', { run_id: runId, key: 'm', value: 1, timestamp: 1 });
    await test.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [1, 2, 3].map((step) => ({ key: 'm', value: step, timestamp: 1, step })),
      params: [{ key: 'p', value: 'x' }],
    });
    // A rejected batch stores nothing, so it counts nothing.
    await test.call('POST', 'runs/log-batch', {
      run_id: 'f'.repeat(32),
      metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
    });
    const { samples } = await scrape();
    expect(value(samples, 'cairn_ingested_total', { kind: 'metrics' })).toBe(4);
    expect(value(samples, 'cairn_ingested_total', { kind: 'params' })).toBe(1);
  });

  it('counts spans ingested over OTLP', async () => {
    const spans = ragTrace();
    const response = await postOtlpSpans(test.app, spans);
    expect(response.statusCode).toBe(200);
    const { samples } = await scrape();
    expect(value(samples, 'cairn_ingested_total', { kind: 'spans' })).toBe(spans.length);
  });

  it('exposes all-time tokens, cost and traces from the trace store', async () => {
    await seedDashboardFixture(test.storage);
    const { samples } = await scrape();
    const cost = (labels: Record<string, string>) => value(samples, 'cairn_trace_cost_usd', labels);
    expect(cost({ model: 'claude', route: '' })).toBeCloseTo(9 + 1.15, 9);
    expect(cost({ model: 'gpt-4o', route: '' })).toBeCloseTo(0.95, 9);
    expect(cost({ model: '', route: 'chat' })).toBeCloseTo(9 + 1.2, 9);
    expect(
      value(samples, 'cairn_trace_tokens', { model: 'gpt-4o', route: '', direction: 'input' }),
    ).toBe(950);
    expect(value(samples, 'cairn_traces', { status: 'OK' })).toBe(4);
    expect(value(samples, 'cairn_traces', { status: 'ERROR' })).toBe(3);
    expect(value(samples, 'cairn_traces', { status: 'IN_PROGRESS' })).toBe(1);
  });

  it('serves every metric the Grafana dashboard in deploy/grafana queries', async () => {
    const dashboard = readFileSync(
      new URL('../../../../deploy/grafana/cairn-dashboard.json', import.meta.url),
      'utf8',
    );
    const exprs = [...dashboard.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((match) =>
      JSON.parse(`"${match[1]}"`),
    );
    expect(exprs.length).toBeGreaterThan(10);
    const { text } = await scrape();
    const declared = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]));
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/\b(cairn|process|nodejs)_\w+/g)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect(declared.has(name) || declared.has(base), `${name} in ${expr}`).toBe(true);
      }
    }
  });
});
