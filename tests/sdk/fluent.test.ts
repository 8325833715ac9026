import { Cairn, CairnClient, sumMetricByTag } from '@cairn/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LiveServer, startLiveServer } from './live-server.js';

let server: LiveServer;
let client: CairnClient;
const instances: Cairn[] = [];
beforeAll(async () => {
  server = await startLiveServer();
  client = new CairnClient(server.url);
});
afterEach(async () => {
  for (const cairn of instances.splice(0)) await cairn.shutdown();
});
afterAll(async () => {
  await server?.close();
});

function newCairn(): Cairn {
  const cairn = new Cairn({
    trackingUri: server.url,
    env: {},
    onError: (error) => {
      throw error;
    },
  });
  instances.push(cairn);
  return cairn;
}

const tagsOf = (tags: { key: string; value: string }[] | undefined) =>
  Object.fromEntries((tags ?? []).map((tag) => [tag.key, tag.value]));
const metricsOf = (metrics: { key: string; value: number | string }[] | undefined) =>
  Object.fromEntries((metrics ?? []).map((metric) => [metric.key, metric.value]));

describe('fluent API against a live server', () => {
  it('setExperiment creates once, even when two processes race for the name', async () => {
    const [a, b] = await Promise.all([
      newCairn().setExperiment('race-exp'),
      newCairn().setExperiment('race-exp'),
    ]);
    expect(a.experiment_id).toBe(b.experiment_id);
    const found = await client.searchExperiments({ filter: "name = 'race-exp'" });
    expect(found.items).toHaveLength(1);
  });

  it('withRun logs buffered values and ends FINISHED; a throwing body ends FAILED', async () => {
    const cairn = newCairn();
    const experiment = await cairn.setExperiment('fluent-exp');
    const runId = await cairn.withRun(
      async (run) => {
        cairn.logParams({ model: 'gpt-4o', temperature: 0.2 });
        for (let step = 0; step < 1200; step++) cairn.logMetric('loss', 1 / (step + 1), { step });
        cairn.setTags({ cost_center: 'retail-lending' });
        await cairn.logDict({ a: 1 }, 'config.json');
        return run.runId;
      },
      { runName: 'fluent-run' },
    );
    const run = await client.getRun(runId);
    expect(run.info).toMatchObject({
      status: 'FINISHED',
      run_name: 'fluent-run',
      experiment_id: experiment.experiment_id,
    });
    expect(run.data.params).toHaveLength(2);
    expect(tagsOf(run.data.tags).cost_center).toBe('retail-lending');
    expect(await client.getMetricHistory(runId, 'loss')).toHaveLength(1200);
    expect((await client.listArtifacts(runId)).map((file) => file.path)).toEqual(['config.json']);

    const failure = new Error('provider down');
    let failedRunId = '';
    await expect(
      cairn.withRun((run) => {
        failedRunId = run.runId;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await client.getRun(failedRunId)).info.status).toBe('FAILED');
  });

  it('startRun/endRun nest runs with mlflow.parentRunId', async () => {
    const cairn = newCairn();
    await cairn.setExperiment('fluent-nested');
    const parent = await cairn.startRun({ runName: 'chain' });
    const child = await cairn.startRun({ runName: 'retrieve', nested: true });
    cairn.logMetric('docs', 4);
    await cairn.endRun();
    await cairn.endRun();
    const childRun = await client.getRun(child.runId);
    expect(tagsOf(childRun.data.tags)['mlflow.parentRunId']).toBe(parent.runId);
    expect(metricsOf(childRun.data.metrics)).toEqual({ docs: 4 });
    expect((await client.getRun(parent.runId)).info.status).toBe('FINISHED');
  });
});

describe('logLlmCall against a live server', () => {
  it('logs the STORY step 2 record and rolls cost up per cost_center', async () => {
    const cairn = newCairn();
    const experiment = await cairn.setExperiment('loan-chatbot-v1');
    const calls = [
      { cost_center: 'retail-lending', promptTokens: 1000, completionTokens: 500 },
      { cost_center: 'retail-lending', promptTokens: 2000, completionTokens: 0 },
      { cost_center: 'mortgages', promptTokens: 0, completionTokens: 1000 },
    ];
    const records = [];
    for (const call of calls) {
      records.push(
        await cairn.logLlmCall({
          model: 'gpt-4o',
          prompt: [
            { role: 'system', content: 'You answer loan questions.' },
            { role: 'user', content: 'What is the APR on a 10k loan?' },
          ],
          response: 'About 6.9% APR over 5 years.',
          usage: { promptTokens: call.promptTokens, completionTokens: call.completionTokens },
          latencyMs: 640,
          params: { temperature: 0.2, max_tokens: 256 },
          tags: { cost_center: call.cost_center, project: 'loan-chatbot' },
          metadata: { user: 'u-17', session: 's-3', feedback: 'helpful' },
        }),
      );
    }
    const run = await client.getRun(records[0]?.runId ?? '');
    expect(run.info.status).toBe('FINISHED');
    expect(run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'model', value: 'gpt-4o' },
        { key: 'temperature', value: '0.2' },
        { key: 'max_tokens', value: '256' },
      ]),
    );
    expect(metricsOf(run.data.metrics)).toMatchObject({
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      latency_ms: 640,
      cost_usd: 0.0075,
    });
    expect(tagsOf(run.data.tags)).toMatchObject({
      cost_center: 'retail-lending',
      project: 'loan-chatbot',
      user: 'u-17',
    });
    const files = (await client.listArtifacts(run.info.run_id)).map((file) => file.path).sort();
    expect(files).toEqual([
      'interaction_metadata.json',
      'prompt.json',
      'prompt.txt',
      'response.txt',
    ]);

    const costs = await sumMetricByTag(client, {
      experimentIds: [experiment.experiment_id],
      tagKey: 'cost_center',
    });
    expect(costs['retail-lending']?.runs).toBe(2);
    expect(costs['retail-lending']?.total).toBeCloseTo(0.0075 + 0.005, 10);
    expect(costs.mortgages?.total).toBeCloseTo(0.01, 10);

    // The same roll-up by hand, as the README shows it.
    const retail = await client.searchRuns(experiment.experiment_id, {
      filter: "tags.cost_center = 'retail-lending'",
    });
    const total = retail.items.reduce(
      (sum, r) => sum + Number(metricsOf(r.data.metrics).cost_usd ?? 0),
      0,
    );
    expect(total).toBeCloseTo(0.0125, 10);
  });
});
