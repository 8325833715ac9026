import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { otlpJsonRequest } from '../../tracing/test-kit/otlp-requests.js';
import { openRegistryTestApp, type RegistryTestApp } from '../test-kit/registry-test-app.js';

const cairn = '/api/2.0/cairn';

describe.each(testBackends())('A/B report from traces on $name', (backend) => {
  let t: RegistryTestApp;
  beforeEach(async () => {
    t = await openRegistryTestApp(backend);
  });
  afterEach(async () => t.close());

  /** Ingests one single-span trace through OTLP JSON; returns its trace id (`tr-…`). */
  const ingest = async (options: {
    tags: Record<string, string>;
    latencyMs: number;
    error?: boolean;
    cost?: number;
  }) => {
    const traceId = randomBytes(16).toString('hex');
    const start = BigInt(Date.now()) * 1_000_000n;
    const reply = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json' },
      payload: otlpJsonRequest([
        {
          traceId,
          spanId: randomBytes(8).toString('hex'),
          name: 'answer',
          start,
          end: start + BigInt(options.latencyMs) * 1_000_000n,
          status: options.error ? 2 : 1,
          attributes: {
            'cairn.trace.tags': JSON.stringify(options.tags),
            ...(options.cost !== undefined && {
              'mlflow.llm.cost': JSON.stringify({ total_cost: options.cost }),
            }),
          },
        },
      ]),
    });
    expect(reply.statusCode).toBe(200);
    return `tr-${traceId}`;
  };

  const assess = async (traceId: string, name: string, sourceType: string, value: unknown) => {
    const reply = await t.call('POST', `/api/3.0/mlflow/traces/${traceId}/assessments`, {
      assessment: {
        assessment_name: name,
        trace_id: traceId,
        source: { source_type: sourceType, source_id: 'test' },
        feedback: { value },
      },
    });
    expect(reply.status).toBe(200);
  };

  it('reports count, latency percentiles, cost, errors, feedback and scores per variant', async () => {
    for (const template of ['v1 {{q}}', 'v2 {{q}}'])
      await t.call('POST', `${cairn}/prompts/create`, { name: 'qa', template });
    await t.call('POST', `${cairn}/prompts/ab-tests/create`, {
      name: 'qa-test',
      prompt_name: 'qa',
      variants: [
        { name: 'control', version: '1', weight: 1 },
        { name: 'candidate', version: '2', weight: 1 },
      ],
    });
    const tags = (variant: string) => ({ 'cairn.ab_test': 'qa-test', 'cairn.ab_variant': variant });
    // control: latencies 100..290 ms, 2 errors, 5/20 thumbs up, judge score 0.4.
    // candidate: latencies 50..145 ms, no errors, 18/20 thumbs up, judge score 0.8.
    for (let i = 0; i < 20; i++) {
      const control = await ingest({
        tags: tags('control'),
        latencyMs: 100 + 10 * i,
        error: i % 10 === 0,
        cost: 0.01,
      });
      await assess(control, 'user_feedback', 'HUMAN', i < 5);
      await assess(control, 'relevance', 'LLM_JUDGE', i % 2 === 0 ? 0.3 : 0.5);
      const candidate = await ingest({
        tags: tags('candidate'),
        latencyMs: 50 + 5 * i,
        cost: 0.02,
      });
      await assess(candidate, 'user_feedback', 'HUMAN', i < 18 ? 'yes' : 'no');
      await assess(candidate, 'relevance', 'LLM_JUDGE', i % 2 === 0 ? 0.7 : 0.9);
    }
    // Noise that must not count: another test's trace, and a run of the control variant.
    await ingest({
      tags: { 'cairn.ab_test': 'other', 'cairn.ab_variant': 'control' },
      latencyMs: 9,
    });
    await t.createRun(tags('control'));

    const reply = await t.call('GET', `${cairn}/prompts/ab-tests/report`, { name: 'qa-test' });
    expect(reply.status).toBe(200);
    const { variants, comparisons, recommended_winner } = reply.body.report;
    const [control, candidate] = variants;
    expect(control).toMatchObject({
      variant: 'control',
      version: '1',
      source: 'traces',
      count: 20,
      trace_count: 20,
      run_count: 1,
      error_rate: 0.1,
      latency_p50_ms: 195,
      feedback_count: 20,
      feedback_rate: 0.25,
      score_count: 20,
    });
    // p95 of 100..290 step 10: rank 18.05 → 280 + 0.05 × 10.
    expect(control.latency_p95_ms).toBeCloseTo(280.5, 6);
    expect(control.mean_latency_ms).toBeCloseTo(195, 6);
    expect(control.total_cost_usd).toBeCloseTo(0.2, 9);
    expect(control.mean_cost_usd).toBeCloseTo(0.01, 9);
    expect(control.mean_score).toBeCloseTo(0.4, 9);
    expect(candidate).toMatchObject({ source: 'traces', count: 20, error_rate: 0, run_count: 0 });
    expect(candidate.latency_p50_ms).toBeCloseTo(97.5, 6);
    expect(candidate.feedback_rate).toBeCloseTo(0.9, 9);
    expect(candidate.mean_score).toBeCloseTo(0.8, 9);
    expect(candidate.total_cost_usd).toBeCloseTo(0.4, 9);

    const byMetric = new Map(
      comparisons.map((c: { metric: string }) => [c.metric, c] as [string, typeof c]),
    );
    expect(byMetric.get('feedback_rate')).toMatchObject({
      test: 'two-proportion-z',
      significant: true,
    });
    expect((byMetric.get('feedback_rate') as { difference: number }).difference).toBeCloseTo(0.65);
    expect(byMetric.get('score')).toMatchObject({ test: 'welch-t', significant: true });
    expect(byMetric.get('latency_ms')).toMatchObject({ test: 'welch-t', significant: true });
    expect(byMetric.get('error_rate')).toMatchObject({ significant: false });
    expect(recommended_winner).toBe('candidate');
  });

  it('falls back to runs for a variant without traces', async () => {
    for (const template of ['v1 {{q}}', 'v2 {{q}}'])
      await t.call('POST', `${cairn}/prompts/create`, { name: 'qa', template });
    await t.call('POST', `${cairn}/prompts/ab-tests/create`, {
      name: 'qa-test',
      prompt_name: 'qa',
      variants: [
        { name: 'a', version: '1', weight: 1 },
        { name: 'b', version: '2', weight: 1 },
      ],
    });
    await ingest({ tags: { 'cairn.ab_test': 'qa-test', 'cairn.ab_variant': 'a' }, latencyMs: 40 });
    const runId = await t.createRun({ 'cairn.ab_test': 'qa-test', 'cairn.ab_variant': 'b' });
    await t.call('POST', 'runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'latency_ms', value: 70, timestamp: 1, step: 0 }],
    });
    const report = (await t.call('GET', `${cairn}/prompts/ab-tests/report`, { name: 'qa-test' }))
      .body.report;
    expect(report.variants[0]).toMatchObject({ source: 'traces', count: 1, latency_p50_ms: 40 });
    expect(report.variants[1]).toMatchObject({ source: 'runs', count: 1, latency_p50_ms: 70 });
    expect(report.recommended_winner).toBeUndefined();
  });
});
