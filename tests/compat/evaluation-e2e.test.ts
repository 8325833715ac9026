import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@cairn/cli';
import { Cairn, DatasetsClient, evaluate, openAiCompatibleChatModel } from '@cairn/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LiveServer, startLiveServer } from './support/live-server.js';

// biome-ignore lint/suspicious/noExplicitAny: REST answers are read as plain JSON
type Json = Record<string, any>;

const qa = [
  ['What is the capital of France?', 'Paris'],
  ['What is the largest ocean?', 'Pacific'],
  ['How many legs does a spider have?', '8'],
  ['What gas do plants absorb?', 'carbon dioxide'],
  ['Who wrote Hamlet?', 'Shakespeare'],
  ['What is the boiling point of water in Celsius?', '100'],
  ['What planet is known as the red planet?', 'Mars'],
  ['What is the chemical symbol for gold?', 'Au'],
] as const;
const answers = new Map<string, string>(qa);

/**
 * One local server speaking OpenAI's chat wire format, as both the model and the judge. The model
 * answers from the table; under the "terse" system prompt it only knows the first two answers.
 * The judge scores 5 when the graded output equals the target it was shown, else 1.
 */
async function startFakeChat(): Promise<{
  url: string;
  close(): Promise<void>;
  judgeCalls: () => number;
}> {
  let judgeCalls = 0;
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => {
      raw += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(raw) as {
        model: string;
        messages: { role: string; content: string }[];
      };
      let content: string;
      if (body.model === 'judge-model') {
        judgeCalls++;
        const prompt = body.messages.map((message) => message.content).join('\n');
        const output = /Output:\s*\n?([^\n]*)/.exec(prompt)?.[1]?.trim() ?? '';
        const correct = [...answers.values()].some(
          (answer) => prompt.includes(answer) && output === answer,
        );
        content = JSON.stringify({
          score: correct ? 5 : 1,
          justification: correct ? 'matches the target' : 'wrong',
        });
      } else {
        const system = body.messages.find((message) => message.role === 'system')?.content ?? '';
        const question = body.messages.at(-1)?.content.replace(/^Question: /, '') ?? '';
        const known = system.includes('terse')
          ? [...answers.keys()].slice(0, 2).includes(question)
          : true;
        content = known ? (answers.get(question) ?? 'unknown') : "I don't know";
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1_760_000_000,
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 20, completion_tokens: 3, total_tokens: 23 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    judgeCalls: () => judgeCalls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function runCairn(
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(console, 'error').mockImplementation((...parts) => {
    stderr += `${parts.join(' ')}\n`;
  });
  const before = process.exitCode;
  try {
    await main(['node', 'cairn', ...args]);
    return { exitCode: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}

describe('evaluation end to end: two prompt variants, compare, gate', () => {
  let server: LiveServer;
  let chat: Awaited<ReturnType<typeof startFakeChat>>;
  let cairn: Cairn;
  const runs: Record<string, { runId: string; digest: string }> = {};
  let datasetDigest = '';

  beforeAll(async () => {
    [server, chat] = await Promise.all([startLiveServer(), startFakeChat()]);
    cairn = new Cairn({ trackingUri: server.baseUrl, exitHook: false, env: {} });
    const dataset = await new DatasetsClient(server.baseUrl).create('capitals-qa', {
      records: qa.map(([question, answer]) => ({
        inputs: { question },
        expectations: { expected_response: answer },
      })),
    });
    datasetDigest = dataset.digest;
    const model = openAiCompatibleChatModel({ baseUrl: `${chat.url}/v1`, model: 'answer-model' });
    for (const variant of ['full', 'terse'] as const) {
      const result = await evaluate({
        cairn,
        data: 'datasets:/capitals-qa',
        modelType: 'question-answering',
        experiment: 'qa-e2e',
        runName: variant,
        predict: (row) =>
          model.chat({
            messages: [
              { role: 'system', content: variant === 'terse' ? 'Be terse.' : 'Answer exactly.' },
              { role: 'user', content: `Question: ${row.question}` },
            ],
          }),
        metrics: ['exact_match', 'answer_correctness'],
        judge: 'openai:/judge-model',
        judgeSettings: { openAiBaseUrl: `${chat.url}/v1` },
        concurrency: 4,
        progress: false,
      });
      expect(result.complete).toBe(true);
      runs[variant] = { runId: result.runId!, digest: result.dataset.digest };
    }
  });
  afterAll(async () => {
    await cairn?.shutdown();
    await Promise.all([server?.close(), chat?.close()]);
  });

  const get = async (path: string, query: Record<string, string>) => {
    const response = await fetch(`${server.baseUrl}${path}?${new URLSearchParams(query)}`);
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('logs aggregates, the results table, and the dataset version as a run input', async () => {
    expect(chat.judgeCalls()).toBe(16);
    const { body } = await get('/api/2.0/mlflow/runs/get', { run_id: runs.full!.runId });
    const metrics = Object.fromEntries(
      body.run.data.metrics.map((metric: Json) => [metric.key, metric.value]),
    );
    expect(metrics['exact_match/v1']).toBe(1);
    expect(metrics['answer_correctness/v1/mean']).toBe(5);
    expect(metrics['answer_correctness/v1/scored_count']).toBe(8);
    expect(metrics['token_usage/total_tokens']).toBe(8 * 23);
    expect(metrics['latency/v1/p90']).toBeGreaterThan(0);
    const tags = Object.fromEntries(body.run.data.tags.map((tag: Json) => [tag.key, tag.value]));
    expect(tags).toMatchObject({
      'cairn.evaluation.model_type': 'question-answering',
      'cairn.evaluation.status': 'complete',
    });
    const input = body.run.inputs.dataset_inputs[0];
    expect(input.dataset).toMatchObject({
      name: 'capitals-qa',
      digest: datasetDigest,
      source_type: 'cairn_dataset',
    });
    expect(JSON.parse(input.dataset.source)).toEqual({
      uri: 'datasets:/capitals-qa@1',
      version: 1,
    });

    const listing = await get('/api/2.0/mlflow/artifacts/list', { run_id: runs.terse!.runId });
    expect(listing.body.files.map((file: Json) => file.path)).toContain('eval_results_table.json');
    const table = (await (
      await fetch(
        `${server.baseUrl}/get-artifact?${new URLSearchParams({ run_id: runs.terse!.runId, path: 'eval_results_table.json' })}`,
      )
    ).json()) as { columns: string[]; data: unknown[][] };
    expect(table.columns).toEqual(
      expect.arrayContaining([
        'question',
        'inputs',
        'targets',
        'predictions',
        'latency',
        'answer_correctness/v1/score',
        'answer_correctness/v1/justification',
      ]),
    );
    expect(table.data).toHaveLength(8);
    const predictions = table.data.map((row) => row[table.columns.indexOf('predictions')]);
    expect(predictions.filter((text) => text === "I don't know")).toHaveLength(6);

    const traces = await fetch(`${server.baseUrl}/api/2.0/cairn/traces/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        experiment_ids: [body.run.info.experiment_id],
        filter: "trace.name = 'evaluate.predict'",
      }),
    });
    const found = (await traces.json()) as Json;
    // Every predict call of both runs is a trace in the runs' experiment.
    expect(found.traces).toHaveLength(16);
  });

  it('compares the runs over REST: the terse prompt regressed, significantly', async () => {
    const { status, body } = await get('/api/2.0/cairn/evaluations/compare', {
      baseline_run_id: runs.full!.runId,
      candidate_run_id: runs.terse!.runId,
    });
    expect(status).toBe(200);
    expect(body.paired_by).toBe('inputs');
    const correctness = body.metrics.find((metric: Json) => metric.metric === 'answer_correctness');
    expect(correctness).toMatchObject({
      baseline_mean: 5,
      candidate_mean: 2,
      delta: -3,
      paired_count: 8,
      verdict: 'regressed',
      regressed_rows: 6,
    });
    expect(correctness.p_value).toBeLessThan(0.05);
    expect(correctness.ci_high).toBeLessThan(0);
    expect(body.metrics.find((metric: Json) => metric.metric === 'exact_match').verdict).toBe(
      'regressed',
    );
    expect(body.regressions[0]).toMatchObject({ candidate_prediction: "I don't know" });

    const same = await get('/api/2.0/cairn/evaluations/compare', {
      baseline_run_id: runs.full!.runId,
      candidate_run_id: runs.full!.runId,
    });
    expect(same.body.metrics.every((metric: Json) => metric.verdict === 'unchanged')).toBe(true);
  });

  it('gates with the CLI: a regression exits non-zero, the baseline against itself passes', async () => {
    const rules = [
      '--rule',
      'answer_correctness/mean >= baseline - 0.02',
      '--rule',
      'exact_match/v1 >= 0.9',
    ];
    const failing = await runCairn([
      'eval',
      'gate',
      '--tracking-uri',
      server.baseUrl,
      '--baseline',
      runs.full!.runId,
      '--candidate',
      runs.terse!.runId,
      ...rules,
    ]);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain('FAIL');
    expect(failing.stderr).toMatch(/gate failed: 2 of 2 rules failed/);
    const passing = await runCairn([
      'eval',
      'gate',
      '--tracking-uri',
      server.baseUrl,
      '--baseline',
      runs.full!.runId,
      '--candidate',
      runs.full!.runId,
      ...rules,
    ]);
    expect(passing.exitCode).toBe(0);
    expect(passing.stdout).not.toContain('FAIL');

    const compare = await runCairn([
      'eval',
      'compare',
      '--tracking-uri',
      server.baseUrl,
      '--baseline',
      runs.full!.runId,
      '--candidate',
      runs.terse!.runId,
    ]);
    expect(compare.exitCode).toBe(0);
    expect(compare.stdout).toMatch(/answer_correctness.*regressed/);
    expect(compare.stdout).toContain("I don't know");
  });
  it('runs a whole evaluation from eval.yaml with the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-eval-run-'));
    const previous = process.env.OPENAI_BASE_URL;
    try {
      writeFileSync(
        join(dir, 'qa.jsonl'),
        qa
          .map(([question, answer]) => JSON.stringify({ inputs: question, targets: answer }))
          .join('\n'),
      );
      writeFileSync(
        join(dir, 'eval.yaml'),
        [
          'experiment: qa-e2e-cli',
          'run_name: from-config',
          'data: qa.jsonl',
          'model_type: question-answering',
          'model:',
          '  endpoint: "openai:/answer-model"',
          '  system: "Answer exactly."',
          '  prompt: "Question: {{inputs}}"',
          'metrics: [exact_match, answer_correctness]',
          'judge: "openai:/judge-model"',
          'concurrency: 4',
        ].join('\n'),
      );
      process.env.OPENAI_BASE_URL = `${chat.url}/v1`;
      const run = await runCairn([
        'eval',
        'run',
        '--tracking-uri',
        server.baseUrl,
        '--config',
        join(dir, 'eval.yaml'),
        '--output',
        'json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      const printed = JSON.parse(run.stdout) as Json;
      expect(printed.metrics['exact_match/v1']).toBe(1);
      expect(printed.metrics['answer_correctness/v1/mean']).toBe(5);
      const { body } = await get('/api/2.0/mlflow/runs/get', { run_id: printed.run_id });
      expect(body.run.info.run_name).toBe('from-config');
      expect(body.run.inputs.dataset_inputs[0].dataset).toMatchObject({
        name: 'qa.jsonl',
        source_type: 'local',
      });
    } finally {
      if (previous === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
