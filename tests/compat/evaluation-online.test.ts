import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, openStorage, type Storage } from '@cairn/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: REST answers are read as plain JSON
type Json = Record<string, any>;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const noArtifacts = {
  put: () => Promise.reject(new Error('unused')),
  get: () => Promise.reject(new Error('unused')),
  list: () => Promise.reject(new Error('unused')),
  delete: () => Promise.reject(new Error('unused')),
};

/** A chat trace as OTLP JSON, the way an OpenTelemetry exporter sends it. */
function otlpTrace(question: string, answer: string, startMs: number) {
  const ns = (ms: number) => String(BigInt(startMs + ms) * 1_000_000n);
  const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: hex(16),
                spanId: hex(8),
                name: 'answer',
                startTimeUnixNano: ns(0),
                endTimeUnixNano: ns(30),
                attributes: [
                  attribute('mlflow.spanType', '"CHAIN"'),
                  attribute('mlflow.spanInputs', JSON.stringify({ question })),
                  attribute('mlflow.spanOutputs', JSON.stringify(answer)),
                ],
                status: { code: 1 },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('online evaluation of production traces', () => {
  let dir: string;
  let storage: Storage;
  let app: FastifyInstance;
  let baseUrl: string;
  let judge: Server;
  let judgeUrl: string;

  beforeAll(async () => {
    // The judge: an OpenAI-wire server grading "polite" answers 5 and others 2.
    judge = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => {
        raw += chunk;
      });
      request.on('end', () => {
        const prompt = JSON.stringify((JSON.parse(raw) as Json).messages);
        const score = prompt.includes('please') ? 5 : 2;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: 'j',
            object: 'chat.completion',
            created: 0,
            model: 'gpt-4o-mini',
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: JSON.stringify({ score, justification: `graded ${score}` }),
                },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => judge.listen(0, '127.0.0.1', resolve));
    judgeUrl = `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1`;

    dir = mkdtempSync(join(tmpdir(), 'cairn-online-'));
    storage = await openStorage(`sqlite:///${join(dir, 'c.db')}`);
    app = buildApp(
      { storage, artifacts: noArtifacts, clock: Date.now, authorize: () => {} },
      {
        logLevel: 'silent',
        evaluation: { judgeSettings: { openAiBaseUrl: judgeUrl }, scorer: { intervalMs: 100 } },
      },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    judge?.closeAllConnections();
    await new Promise((resolve) => judge?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it('scores new traces in the background and stores the scores as assessments', async () => {
    const experiment = await post('/api/2.0/mlflow/experiments/create', { name: 'support-bot' });
    const experimentId = experiment.body.experiment_id as string;
    const rule = await post('/api/2.0/cairn/evaluations/online-rules/create', {
      experiment_id: experimentId,
      name: 'politeness',
      sample_rate: 1,
      metrics: [
        'toxicity',
        {
          name: 'politeness',
          judge: 'openai:/gpt-4o-mini',
          definition: 'How polite the answer is.',
          grading_prompt: 'Score 1: rude. Score 5: very polite.',
        },
      ],
    });
    expect(rule.status).toBe(200);

    const start = Date.now() + 1000;
    const answers = ['Sure, please find the form attached.', 'Read the manual, you idiot.'];
    for (const [index, answer] of answers.entries()) {
      const ingested = await fetch(`${baseUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mlflow-experiment-id': experimentId },
        body: JSON.stringify(otlpTrace(`question ${index}`, answer, start + index)),
      });
      expect(ingested.status).toBe(200);
    }

    // The scorer runs every 100 ms; poll the traces until both carry both scores.
    let traces: Json[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      const search = await post('/api/3.0/mlflow/traces/search', {
        locations: [
          { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
        ],
        order_by: ['timestamp_ms ASC'],
      });
      traces = search.body.traces ?? [];
      const done = traces.filter((trace) => (trace.assessments ?? []).length >= 2);
      if (traces.length === 2 && done.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const byName = (trace: Json) =>
      Object.fromEntries((trace.assessments as Json[]).map((item) => [item.assessment_name, item]));
    const polite = byName(traces[0]!);
    const rude = byName(traces[1]!);
    expect(polite.politeness).toMatchObject({
      source: { source_type: 'LLM_JUDGE', source_id: 'openai:/gpt-4o-mini' },
      feedback: { value: 5 },
      rationale: 'graded 5',
    });
    expect(rude.politeness.feedback.value).toBe(2);
    expect(polite.toxicity).toMatchObject({
      source: { source_type: 'CODE' },
      feedback: { value: 0 },
    });
    expect(rude.toxicity.feedback.value).toBeGreaterThan(0);

    // Human feedback goes through the same assessments API, and filters see both.
    const thumbs = await post(`/api/3.0/mlflow/traces/${traces[1]!.trace_id}/assessments`, {
      assessment: {
        assessment_name: 'thumbs',
        source: { source_type: 'HUMAN', source_id: 'reviewer@example.com' },
        feedback: { value: false },
      },
    });
    expect(thumbs.status).toBe(200);
    const filtered = await post('/api/3.0/mlflow/traces/search', {
      locations: [
        { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: experimentId } },
      ],
      filter: "feedback.politeness = '2'",
    });
    expect(filtered.body.traces.map((trace: Json) => trace.trace_id)).toEqual([
      traces[1]!.trace_id,
    ]);

    const state = await fetch(
      `${baseUrl}/api/2.0/cairn/evaluations/online-rules/get?rule_id=${rule.body.rule.rule_id}`,
    );
    expect(((await state.json()) as Json).rule).toMatchObject({ traces_scored: 2, judge_calls: 2 });
  });
});
