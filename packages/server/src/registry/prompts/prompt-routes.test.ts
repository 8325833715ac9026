import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../../test-kit/test-backends.js';
import { openRegistryTestApp, type RegistryTestApp } from '../test-kit/registry-test-app.js';
import { studentTwoSidedP, twoProportionZTest, welchTTest } from './statistics.js';

const cairn = '/api/2.0/cairn';

describe('A/B statistics', () => {
  it('matches textbook values', () => {
    // 50/100 vs 65/100: pooled z ≈ 2.1456, p ≈ 0.0319.
    const z = twoProportionZTest(50, 100, 65, 100)!;
    expect(z.statistic).toBeCloseTo(2.1456, 3);
    expect(z.pValue).toBeCloseTo(0.0319, 3);
    // t = 2.0 with 10 degrees of freedom: two-sided p ≈ 0.0734.
    expect(studentTwoSidedP(2, 10)).toBeCloseTo(0.0734, 3);
    const welch = welchTTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7])!;
    expect(welch.statistic).toBeCloseTo(2, 6);
    expect(welch.pValue).toBeCloseTo(0.0805, 3);
    expect(welchTTest([1], [2, 3])).toBeUndefined();
  });
});

describe.each(testBackends())('prompts and A/B tests on $name', (backend) => {
  let t: RegistryTestApp;
  beforeEach(async () => {
    t = await openRegistryTestApp(backend);
  });
  afterEach(async () => t.close());

  it('stores prompts MLflow’s way and reads them back by version and alias', async () => {
    const first = await t.call('POST', `${cairn}/prompts/create`, {
      name: 'summarize',
      template: 'Summarize {{ text }} in {{n}} words.',
      commit_message: 'first',
      model_config: { model_name: 'gpt-4o', temperature: 0.2 },
      tags: { owner: 'ana' },
    });
    expect(first.status).toBe(200);
    expect(first.body.prompt_version).toMatchObject({
      name: 'summarize',
      version: '1',
      type: 'text',
      variables: ['text', 'n'],
      commit_message: 'first',
      model_config: { model_name: 'gpt-4o', temperature: 0.2 },
      tags: { owner: 'ana' },
    });
    const chat = await t.call('POST', `${cairn}/prompts/create`, {
      name: 'summarize',
      template: [
        { role: 'system', content: 'You summarize.' },
        { role: 'user', content: '{{text}}' },
      ],
    });
    expect(chat.body.prompt_version).toMatchObject({
      version: '2',
      type: 'chat',
      variables: ['text'],
    });

    // The MLflow view: a tagged registered model and version tags.
    const model = (await t.call('GET', 'registered-models/get', { name: 'summarize' })).body
      .registered_model;
    expect(model.tags).toContainEqual({ key: 'mlflow.prompt.is_prompt', value: 'true' });
    const version = (await t.call('GET', 'model-versions/get', { name: 'summarize', version: 1 }))
      .body.model_version;
    expect(version.source).toBe('dummy-source');
    expect(version.description).toBe('first');
    expect(version.tags).toContainEqual({
      key: 'mlflow.prompt.text',
      value: 'Summarize {{ text }} in {{n}} words.',
    });
    expect(version.tags).toContainEqual({ key: '_mlflow_prompt_type', value: 'text' });

    await t.call('POST', 'registered-models/alias', {
      name: 'summarize',
      alias: 'production',
      version: 1,
    });
    const byAlias = await t.call('GET', `${cairn}/prompts/get`, {
      name: 'summarize',
      alias: 'production',
    });
    expect(byAlias.body.prompt_version).toMatchObject({ version: '1', aliases: ['production'] });
    const search = await t.call('GET', `${cairn}/prompts/search`, { filter: "name LIKE 'sum%'" });
    expect(search.body.prompts).toEqual([
      expect.objectContaining({ name: 'summarize', latest_version: '2' }),
    ]);
    const versions = await t.call('GET', `${cairn}/prompts/versions`, { name: 'summarize' });
    expect(versions.body.prompt_versions.map((v: { version: string }) => v.version)).toEqual([
      '2',
      '1',
    ]);
  });

  it('refuses bad prompt names, unbalanced braces and oversized templates, writing nothing', async () => {
    for (const [name, template] of [
      ['bad name', 'x'],
      ['p', 'Hello {{name'],
      ['p', 'Hello name}}'],
      ['p', 'Hello {{ bad-var }}'],
      ['p', [{ role: 'user' }]],
      ['p', 'x'.repeat(100_001)],
      ['p', 42],
    ] as const) {
      const reply = await t.call('POST', `${cairn}/prompts/create`, { name, template });
      expect(reply.status, String(template).slice(0, 20)).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect(
      (await t.call('GET', 'registered-models/search', {})).body.registered_models,
    ).toBeUndefined();
    await t.call('POST', 'registered-models/create', { name: 'plain-model' });
    const clash = await t.call('POST', `${cairn}/prompts/create`, {
      name: 'plain-model',
      template: 'x',
    });
    expect(clash.body.message).toMatch(/is not a prompt/);
  });

  it('defines an A/B test, assigns units stickily, reports with significance and promotes', async () => {
    for (const template of ['v1 {{q}}', 'v2 {{q}}', 'v3 {{q}}'])
      await t.call('POST', `${cairn}/prompts/create`, { name: 'qa', template });
    await t.call('POST', 'registered-models/alias', {
      name: 'qa',
      alias: 'production',
      version: 1,
    });
    const created = await t.call('POST', `${cairn}/prompts/ab-tests/create`, {
      name: 'qa-test',
      prompt_name: 'qa',
      unit: 'user',
      variants: [
        { name: 'control', alias: 'production', weight: 1 },
        { name: 'candidate', version: '3', weight: 1 },
      ],
    });
    expect(created.status).toBe(200);
    expect(
      (
        await t.call('POST', `${cairn}/prompts/ab-tests/create`, {
          name: 'qa-test',
          prompt_name: 'qa',
          variants: created.body.ab_test.variants,
        })
      ).body.error_code,
    ).toBe('RESOURCE_ALREADY_EXISTS');
    for (const bad of [
      { name: 'x', prompt_name: 'nope', variants: created.body.ab_test.variants },
      { name: 'x', prompt_name: 'qa', variants: [{ name: 'only', version: '1' }] },
      {
        name: 'x',
        prompt_name: 'qa',
        variants: [
          { name: 'a', version: '1', alias: 'b' },
          { name: 'b', version: '2' },
        ],
      },
      {
        name: 'x',
        prompt_name: 'qa',
        variants: [
          { name: 'a', version: '9' },
          { name: 'b', version: '2' },
        ],
      },
      { name: 'x', prompt_name: 'qa', unit: 'tenant', variants: created.body.ab_test.variants },
    ])
      expect(
        (await t.call('POST', `${cairn}/prompts/ab-tests/create`, bad)).status,
      ).toBeGreaterThanOrEqual(400);

    const assign = async (unit: string) =>
      (await t.call('GET', `${cairn}/prompts/ab-tests/assign`, { name: 'qa-test', unit_id: unit }))
        .body;
    expect(await assign('user-7')).toEqual(await assign('user-7'));

    // Simulated traffic: the candidate gets more thumbs-up and lower latency.
    const rng = mulberry32(7);
    for (let i = 0; i < 120; i++) {
      const { variant } = await assign(`user-${i}`);
      const good = rng() < (variant === 'candidate' ? 0.8 : 0.45);
      const runId = await t.createRun({ 'cairn.ab_test': 'qa-test', 'cairn.ab_variant': variant });
      await t.call('POST', 'runs/log-batch', {
        run_id: runId,
        metrics: [
          { key: 'feedback', value: good ? 1 : 0, timestamp: 1, step: 0 },
          {
            key: 'latency_ms',
            value: (variant === 'candidate' ? 300 : 400) + rng() * 50,
            timestamp: 1,
            step: 0,
          },
          { key: 'cost_usd', value: 0.001, timestamp: 1, step: 0 },
        ],
      });
      await t.call('POST', 'runs/update', {
        run_id: runId,
        status: i % 40 === 0 ? 'FAILED' : 'FINISHED',
        end_time: 2000,
      });
    }
    const report = (await t.call('GET', `${cairn}/prompts/ab-tests/report`, { name: 'qa-test' }))
      .body.report;
    const [control, candidate] = report.variants;
    expect(control.variant).toBe('control');
    expect(control.version).toBe('1');
    expect(control.count + candidate.count).toBe(120);
    expect(candidate.feedback_rate).toBeGreaterThan(control.feedback_rate);
    expect(candidate.latency_p95_ms).toBeLessThan(control.latency_p50_ms);
    expect(
      report.comparisons.find((c: { metric: string }) => c.metric === 'feedback_rate'),
    ).toMatchObject({
      test: 'two-proportion-z',
      significant: true,
    });
    expect(report.recommended_winner).toBe('candidate');

    const promoted = await t.call('POST', `${cairn}/prompts/ab-tests/promote`, { name: 'qa-test' });
    expect(promoted.body).toMatchObject({
      alias: 'production',
      version: '3',
      variant: 'candidate',
    });
    expect(promoted.body.ab_test).toMatchObject({ status: 'CONCLUDED', winner: 'candidate' });
    const production = await t.call('GET', 'registered-models/alias', {
      name: 'qa',
      alias: 'production',
    });
    expect(production.body.model_version.version).toBe('3');
  });
});

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
