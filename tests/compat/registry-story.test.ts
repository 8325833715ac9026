// The registry story end to end through the SDK against a live server: log a run, register it,
// Staging → Production with archive_existing_versions, alias champion, resolve, roll back;
// then a prompt with three versions, an A/B test over simulated traffic, its report, promotion.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cairn, CairnClient, PromptClient, RegistryClient } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatBackends, type LiveServer, startLiveServer } from './support/live-server.js';

describe.each(compatBackends())('registry story on %s', (backend) => {
  let server: LiveServer;
  let tracking: CairnClient;
  let registry: RegistryClient;
  let dir: string;
  beforeAll(async () => {
    server = await startLiveServer(backend);
    tracking = new CairnClient(server.baseUrl);
    registry = new RegistryClient(server.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'cairn-story-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, promotes, aliases, resolves and rolls back a model', async () => {
    const experimentId = await tracking.createExperiment('fraud-detection');
    const versions: string[] = [];
    for (const accuracy of [0.81, 0.9]) {
      const run = await tracking.createRun(experimentId, { runName: `train-${accuracy}` });
      const runId = run.info.run_id;
      await tracking.logBatch(runId, {
        params: [{ key: 'max_depth', value: 6 }],
        metrics: [{ key: 'accuracy', value: accuracy }],
      });
      await tracking.logText(runId, `accuracy: ${accuracy}\n`, 'model/MLmodel');
      await tracking.setTerminated(runId);
      versions.push((await registry.registerModel(`runs:/${runId}/model`, 'fraud')).version);
    }
    expect(versions).toEqual(['1', '2']);

    await registry.transitionModelVersionStage('fraud', '1', 'Staging');
    await registry.transitionModelVersionStage('fraud', '1', 'Production');
    await registry.transitionModelVersionStage('fraud', '2', 'Staging');
    await registry.transitionModelVersionStage('fraud', '2', 'Production', true);
    expect((await registry.getModelVersion('fraud', 1)).current_stage).toBe('Archived');
    expect((await registry.resolveModelUri('models:/fraud/Production')).version).toBe('2');
    expect((await registry.resolveModelUri('models:/fraud/latest')).version).toBe('2');
    expect((await registry.resolveModelUri('models:/fraud/1')).version).toBe('1');

    await registry.setRegisteredModelAlias('fraud', 'champion', '2');
    expect((await registry.resolveModelUri('models:/fraud@champion')).version).toBe('2');
    const local = await registry.loadModelArtifacts(
      'models:/fraud@champion',
      join(dir, 'champion'),
    );
    expect(readFileSync(join(local, 'MLmodel'), 'utf8')).toBe('accuracy: 0.9\n');

    // Roll back: the alias moves to version 1, and the history says who moved what.
    await registry.setRegisteredModelAlias('fraud', 'champion', '1');
    expect((await registry.resolveModelUri('models:/fraud@champion')).version).toBe('1');
    const card = (await registry.getModelCard('fraud', '1', 'json')) as {
      history: { kind: string }[];
    };
    expect(card.history.map((item) => item.kind)).toEqual([
      'created',
      'stage',
      'stage',
      'stage',
      'alias_set',
    ]);
    const markdown = await registry.getModelCard('fraud', '2');
    expect(markdown).toContain('| max_depth | 6 |');
    expect(markdown).toContain('alias @champion moved to v1');
  });

  it('runs a prompt A/B test over simulated traffic and promotes the winner', async () => {
    const recorded: Record<string, string>[] = [];
    const prompts = new PromptClient({
      trackingUri: server.baseUrl,
      recordTags: (tags) => recorded.push(tags),
    });
    for (const [index, template] of [
      'Answer: {{question}}',
      'Answer briefly: {{question}}',
      'You are a loan expert. Answer briefly and cite policy: {{question}}',
    ].entries())
      await prompts.registerPrompt({ name: 'loan-qa', template, commitMessage: `v${index + 1}` });
    await prompts.setPromptAlias('loan-qa', 'production', 2);
    const production = await prompts.loadPrompt('prompts:/loan-qa@production');
    expect(production.version).toBe('2');
    expect(production.format({ question: 'APR?' })).toBe('Answer briefly: APR?');
    expect(recorded.at(-1)).toEqual({
      'mlflow.linkedPrompts': '[{"name":"loan-qa","version":"2"}]',
    });

    await prompts.createAbTest({
      name: 'loan-qa-v3',
      promptName: 'loan-qa',
      variants: [
        { name: 'control', alias: 'production', weight: 1 },
        { name: 'expert', version: '3', weight: 1 },
      ],
    });
    const experimentId = await tracking.createExperiment('loan-qa-traffic');
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Live traffic is traced: each request is a trace whose loadPrompt call tags it with the
    // test and variant; users' thumbs arrive later as feedback assessments on those traces.
    const app = new Cairn({ trackingUri: server.baseUrl, env: {}, exitHook: false });
    await app.setExperiment('loan-qa-traffic');
    const thumbs: { traceId: string; up: boolean }[] = [];
    let failures = 0;
    for (let user = 0; user < 100; user++) {
      const prompt = await prompts.loadPrompt('', { abTest: 'loan-qa-v3', unitId: `user-${user}` });
      const expert = prompt.abTest?.variant === 'expert';
      const latencyMs = (expert ? 520 : 480) + random() * 40;
      const up = random() < (expert ? 0.85 : 0.5);
      const cost = expert ? 0.0021 : 0.0014;
      const fails = user % 20 === 7;
      try {
        await app.tracer.startSpan(
          { name: 'answer', spanType: 'CHAT_MODEL', startTimeMs: Date.now() - latencyMs },
          async (span) => {
            const again = await prompts.loadPrompt('', {
              abTest: 'loan-qa-v3',
              unitId: `user-${user}`,
            });
            expect(again.version).toBe(prompt.version);
            span.setAttribute('mlflow.llm.cost', { total_cost: cost });
            thumbs.push({ traceId: span.traceId, up });
            if (fails) throw new Error('upstream timeout');
          },
        );
      } catch (error) {
        expect((error as Error).message).toBe('upstream timeout');
        failures++;
      }
      const tags = recorded.at(-1)!;
      expect(tags['cairn.ab_variant']).toBe(prompt.abTest?.variant);
      const run = await tracking.createRun(experimentId, { tags });
      await tracking.logBatch(run.info.run_id, {
        metrics: [
          { key: 'feedback', value: up ? 1 : 0 },
          { key: 'latency_ms', value: latencyMs },
          { key: 'cost_usd', value: cost },
        ],
      });
      await tracking.setTerminated(run.info.run_id);
    }
    await app.shutdown();
    expect(failures).toBe(5);
    for (const { traceId, up } of thumbs) {
      const reply = await fetch(`${server.baseUrl}/api/3.0/mlflow/traces/${traceId}/assessments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          assessment: {
            assessment_name: 'user_feedback',
            trace_id: traceId,
            source: { source_type: 'HUMAN', source_id: 'app-user' },
            feedback: { value: up },
          },
        }),
      });
      expect(reply.status).toBe(200);
    }
    const report = await prompts.abTestReport('loan-qa-v3');
    const sum = (pick: (variant: (typeof report.variants)[number]) => number | undefined) =>
      report.variants.map((variant) => pick(variant) ?? 0).reduce((a, b) => a + b);
    expect(report.variants.every((variant) => variant.source === 'traces')).toBe(true);
    expect(sum((variant) => variant.count)).toBe(100);
    expect(sum((variant) => variant.trace_count)).toBe(100);
    expect(sum((variant) => variant.run_count)).toBe(100);
    expect(sum((variant) => variant.feedback_count)).toBe(100);
    expect(sum((variant) => variant.error_rate * variant.count)).toBeCloseTo(5, 9);
    const control = report.variants.find((variant) => variant.variant === 'control')!;
    const expertReport = report.variants.find((variant) => variant.variant === 'expert')!;
    expect(control.version).toBe('2');
    expect(control.mean_cost_usd).toBeCloseTo(0.0014, 9);
    expect(expertReport.mean_cost_usd).toBeCloseTo(0.0021, 9);
    expect(control.latency_p50_ms).toBeGreaterThanOrEqual(470);
    expect(control.latency_p95_ms).toBeLessThan(expertReport.latency_p95_ms! + 40);
    expect(expertReport.latency_p50_ms).toBeGreaterThan(control.latency_p50_ms!);
    expect(expertReport.feedback_rate).toBeGreaterThan(control.feedback_rate!);
    expect(report.recommended_winner).toBe('expert');
    const promoted = await prompts.promoteAbTest('loan-qa-v3');
    expect(promoted).toMatchObject({ alias: 'production', version: '3' });
    const fresh = await prompts.loadPrompt('prompts:/loan-qa@production', { fresh: true });
    expect(fresh.version).toBe('3');
  });
});
