import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CairnApiError } from '../client/cairn-api-error.js';
import { readSdkEnvironment } from '../config.js';
import {
  type ScriptedAnswer,
  type ScriptedServer,
  type SeenRequest,
  startScriptedServer,
} from '../test-kit/scripted-server.js';
import { Cairn, type CairnOptions } from './cairn.js';

// A minimal stand-in for the tracking server's run endpoints, so these tests can assert the
// exact requests the fluent API sends (the real server is exercised in tests/sdk/).
function trackingAnswers(
  overrides: (request: SeenRequest) => ScriptedAnswer | undefined = () => undefined,
) {
  let runs = 0;
  return (request: SeenRequest): ScriptedAnswer => {
    const override = overrides(request);
    if (override) return override;
    const body = (request.json ?? {}) as Record<string, unknown>;
    if (request.path.endsWith('/runs/create')) {
      const runId = `run${++runs}`;
      const info = {
        run_id: runId,
        run_uuid: runId,
        run_name: body.run_name ?? runId,
        experiment_id: body.experiment_id,
        user_id: '',
        status: 'RUNNING',
        start_time: body.start_time,
        artifact_uri: `mlflow-artifacts:/${body.experiment_id}/${runId}/artifacts`,
        lifecycle_stage: 'active',
      };
      return { json: { run: { info, data: { tags: body.tags }, inputs: {} } } };
    }
    if (request.path.endsWith('/runs/update'))
      return { json: { run_info: { run_id: body.run_id, status: body.status } } };
    return { json: {} };
  };
}

let server: ScriptedServer | undefined;
const instances: Cairn[] = [];
afterEach(async () => {
  for (const cairn of instances.splice(0)) await cairn.shutdown();
  await server?.close();
  server = undefined;
});

function cairnFor(url: string, options: CairnOptions = {}): Cairn {
  const cairn = new Cairn({
    trackingUri: url,
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxRetries: 1 },
    env: {},
    ...options,
  });
  instances.push(cairn);
  return cairn;
}

const batches = (requests: SeenRequest[]) =>
  requests
    .filter((request) => request.path.endsWith('/runs/log-batch'))
    .map(
      (request) =>
        request.json as {
          run_id: string;
          metrics?: unknown[];
          params?: unknown[];
          tags?: unknown[];
        },
    );
const updates = (requests: SeenRequest[]) =>
  requests
    .filter((request) => request.path.endsWith('/runs/update'))
    .map((request) => request.json);

describe('Cairn fluent API', () => {
  it('buffers metrics and params and sends them in split log-batch calls when the run ends', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url);
    await cairn.withRun(async () => {
      for (let step = 0; step < 2500; step++) cairn.logMetric('loss', 1 / (step + 1), { step });
      for (let i = 0; i < 150; i++) cairn.logParam(`p${i}`, i);
      cairn.setTag('team', 'a');
      cairn.setTag('team', 'b');
    });
    const sent = batches(server.requests);
    expect(sent.every((batch) => batch.run_id === 'run1')).toBe(true);
    expect(sent.reduce((n, batch) => n + (batch.metrics?.length ?? 0), 0)).toBe(2500);
    expect(sent.reduce((n, batch) => n + (batch.params?.length ?? 0), 0)).toBe(150);
    expect(sent.flatMap((batch) => batch.tags ?? [])).toEqual([{ key: 'team', value: 'b' }]);
    for (const batch of sent) {
      expect(batch.metrics?.length ?? 0).toBeLessThanOrEqual(1000);
      expect(batch.params?.length ?? 0).toBeLessThanOrEqual(100);
    }
    expect(updates(server.requests)).toEqual([
      expect.objectContaining({ run_id: 'run1', status: 'FINISHED' }),
    ]);
  });

  it('ends a run FAILED and rethrows the very error when the body throws', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url);
    const thrown = new RangeError('model timed out');
    const caught = await cairn
      .withRun(() => {
        cairn.logMetric('x', 1);
        throw thrown;
      })
      .catch((error: unknown) => error);
    expect(caught).toBe(thrown);
    expect(updates(server.requests)).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect(batches(server.requests)).toHaveLength(1);
    expect(cairn.activeRun()).toBeUndefined();
  });

  it('refuses a second run unless nested, and tags a nested run with its parent', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url);
    const parent = await cairn.startRun({ runName: 'parent' });
    await expect(cairn.startRun()).rejects.toThrow(/already active/);
    const child = await cairn.startRun({ nested: true });
    expect(cairn.activeRun()?.runId).toBe(child.runId);
    const create = server.requests.filter((request) => request.path.endsWith('/runs/create'))[1];
    expect((create?.json as { tags?: unknown } | undefined)?.tags).toEqual([
      { key: 'mlflow.parentRunId', value: parent.runId },
    ]);
    await cairn.endRun();
    expect(cairn.activeRun()?.runId).toBe(parent.runId);
    await cairn.endRun('KILLED');
    expect(updates(server.requests).map((update) => (update as { status: string }).status)).toEqual(
      ['FINISHED', 'KILLED'],
    );
  });

  it('flushes on a timer while the run goes on', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url, { flushIntervalMs: 10 });
    await cairn.startRun();
    cairn.logMetrics({ a: 1, b: 2 });
    const deadline = Date.now() + 5000;
    while (batches(server.requests).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(batches(server.requests)[0]?.metrics).toHaveLength(2);
    expect(updates(server.requests)).toHaveLength(0);
  });

  it('throws at once when a param changes value, as the server would', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url);
    await cairn.startRun();
    cairn.logParam('model', 'gpt-4o');
    cairn.logParam('model', 'gpt-4o');
    expect(() => cairn.logParam('model', 'gpt-4')).toThrow(CairnApiError);
    expect(() => cairn.logParam('model', 'gpt-4')).toThrow(/Changing param values is not allowed/);
  });

  it('reports, never throws, a failed flush at exit and still ends the run', async () => {
    server = await startScriptedServer(
      trackingAnswers((request) =>
        request.path.endsWith('/runs/log-batch')
          ? { status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: 'bad key' } }
          : undefined,
      ),
    );
    const reported: unknown[] = [];
    const cairn = cairnFor(server.url, { onError: (error) => reported.push(error) });
    const listenersBefore = process.listenerCount('beforeExit');
    await cairn.startRun();
    cairn.logMetric('bad//key', 1);
    expect(process.listenerCount('beforeExit')).toBe(listenersBefore + 1);
    await expect(cairn.shutdown()).resolves.toBeUndefined();
    expect(reported).toEqual([expect.objectContaining({ errorCode: 'INVALID_PARAMETER_VALUE' })]);
    expect(updates(server.requests)).toEqual([expect.objectContaining({ status: 'FINISHED' })]);
    expect(process.listenerCount('beforeExit')).toBe(listenersBefore);
  });

  it('setExperiment creates a missing experiment and survives losing the create race', async () => {
    let lookups = 0;
    const experiment = { experiment_id: '4', name: 'loan-chatbot-v1', lifecycle_stage: 'active' };
    server = await startScriptedServer((request) => {
      if (request.path.endsWith('/experiments/get-by-name')) {
        return ++lookups === 1
          ? { status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'none' } }
          : { json: { experiment } };
      }
      if (request.path.endsWith('/experiments/create')) {
        return { status: 400, json: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'taken' } };
      }
      return trackingAnswers()(request);
    });
    const cairn = cairnFor(server.url);
    expect((await cairn.setExperiment('loan-chatbot-v1')).experiment_id).toBe('4');
    const run = await cairn.startRun();
    expect(run.experimentId).toBe('4');
  });
});

describe('logLlmCall', () => {
  it('logs a whole call into a run of its own', async () => {
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url);
    const record = await cairn.logLlmCall({
      model: 'gpt-4o-2024-08-06',
      prompt: [
        { role: 'system', content: 'You answer loan questions.' },
        { role: 'user', content: 'Rate for 10k over 5 years?' },
      ],
      response: 'About 6.9% APR.',
      usage: { promptTokens: 1000, completionTokens: 500 },
      latencyMs: 812,
      params: { temperature: 0.2, max_tokens: 256 },
      tags: { cost_center: 'retail-lending', project: 'loan-chatbot' },
      metadata: { user: 'u-17', session: 's-3', feedback: { thumbs: 'up' } },
    });
    expect(record).toMatchObject({
      runId: 'run1',
      promptTokens: 1000,
      completionTokens: 500,
      totalTokens: 1500,
      costUsd: 0.0075,
      tokenSource: 'provided',
    });
    const create = server.requests.find((request) => request.path.endsWith('/runs/create'));
    expect((create?.json as { tags?: unknown } | undefined)?.tags).toEqual(
      expect.arrayContaining([
        { key: 'cost_center', value: 'retail-lending' },
        { key: 'user', value: 'u-17' },
        { key: 'llm.provider', value: 'openai' },
      ]),
    );
    const puts = Object.fromEntries(
      server.requests
        .filter((request) => request.method === 'PUT')
        .map((request) => [request.path.split('/run1/artifacts/')[1], request.body]),
    );
    expect(Object.keys(puts).sort()).toEqual([
      'interaction_metadata.json',
      'prompt.json',
      'prompt.txt',
      'response.txt',
    ]);
    expect(puts['prompt.txt']).toBe(
      '[system]\nYou answer loan questions.\n\n[user]\nRate for 10k over 5 years?',
    );
    expect(JSON.parse(puts['interaction_metadata.json'] ?? '')).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      cost_usd: 0.0075,
      latency_ms: 812,
      user: 'u-17',
      session: 's-3',
      feedback: { thumbs: 'up' },
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        source: 'provided',
      },
    });
    const [batch] = batches(server.requests);
    expect(batch?.params).toEqual([
      { key: 'model', value: 'gpt-4o-2024-08-06' },
      { key: 'temperature', value: '0.2' },
      { key: 'max_tokens', value: '256' },
    ]);
    const metrics = Object.fromEntries(
      ((batch?.metrics ?? []) as { key: string; value: number }[]).map((metric) => [
        metric.key,
        metric.value,
      ]),
    );
    expect(metrics).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      latency_ms: 812,
      cost_usd: 0.0075,
      run_cost_usd: 0.0075,
    });
    expect(updates(server.requests)).toEqual([expect.objectContaining({ status: 'FINISHED' })]);
  });

  it('counts tokens when usage is absent, prices with the override file, and logs into the active run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-prices-'));
    const pricesFile = join(dir, 'prices.json');
    writeFileSync(
      pricesFile,
      JSON.stringify({ models: { 'bank-llm': { promptPer1M: 1e6, completionPer1M: 0 } } }),
    );
    server = await startScriptedServer(trackingAnswers());
    const cairn = cairnFor(server.url, { env: { CAIRN_PRICE_CATALOGUE: pricesFile } });
    await cairn.withRun(async () => {
      const first = await cairn.logLlmCall({
        model: 'bank-llm',
        prompt: 'hello world',
        response: 'hi',
        latencyMs: 5,
      });
      expect(first).toMatchObject({
        promptTokens: 2,
        costUsd: 2,
        tokenSource: 'approximate',
        artifactDir: '',
      });
      const second = await cairn.logLlmCall({
        model: 'bank-llm',
        prompt: 'hello',
        response: 'hi',
        latencyMs: 5,
      });
      expect(second.artifactDir).toBe('llm_calls/1');
    });
    const metrics = batches(server.requests).flatMap(
      (batch) => batch.metrics as { key: string; value: number; step: number }[],
    );
    expect(
      metrics
        .filter((metric) => metric.key === 'run_cost_usd')
        .map((metric) => [metric.value, metric.step]),
    ).toEqual([
      [2, 0],
      [3, 1],
    ]);
    expect(
      server.requests.some((request) => request.path.endsWith('/llm_calls/1/prompt.txt')),
    ).toBe(true);
  });
});

describe('readSdkEnvironment', () => {
  it('prefers CAIRN_ variables over MLflow ones and ignores empty values', () => {
    expect(
      readSdkEnvironment({ CAIRN_TRACKING_URI: 'http://a:1', MLFLOW_TRACKING_URI: 'http://b:2' })
        .trackingUri,
    ).toBe('http://a:1');
    expect(
      readSdkEnvironment({ CAIRN_TRACKING_URI: ' ', MLFLOW_TRACKING_URI: 'http://b:2' })
        .trackingUri,
    ).toBe('http://b:2');
    expect(
      new Cairn({ env: { MLFLOW_TRACKING_URI: 'http://b:2/' }, exitHook: false }).trackingUri,
    ).toBe('http://b:2');
  });
});
