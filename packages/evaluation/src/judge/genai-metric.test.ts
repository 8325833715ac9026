import type { ChatModel, ChatRequest, ChatResponse } from '@cairn/spec';
import { costOf } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import {
  answerCorrectness,
  faithfulness,
  guidelines,
  makeGenaiMetric,
  mapWithConcurrency,
  parseJudgeOutput,
  safety,
} from '../index.js';

type Reply = string | Error | { delayMs: number; text: string };

/** A ChatModel speaking the spec contract that answers from a script and records requests. */
function scriptedModel(replies: (request: ChatRequest, call: number) => Reply) {
  const requests: ChatRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const model: ChatModel = {
    async chat(request, options) {
      requests.push(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const reply = replies(request, requests.length - 1);
        if (reply instanceof Error) throw reply;
        const text = typeof reply === 'string' ? reply : reply.text;
        if (typeof reply !== 'string') {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, reply.delayMs);
            options?.signal?.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(options.signal?.reason);
            });
          });
        }
        return {
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 0,
          model: request.model ?? 'gpt-4o',
          choices: [
            { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        } satisfies ChatResponse;
      } finally {
        inFlight--;
      }
    },
  };
  return { model, requests, maxInFlight: () => maxInFlight };
}

const qaRows = [
  { inputs: 'What is the capital of France?', context: 'Paris is the capital of France.' },
  { inputs: 'Who wrote Hamlet?', context: 'Hamlet is a tragedy by William Shakespeare.' },
];

describe('parseJudgeOutput', () => {
  const scale = { min: 1, max: 5 };
  it('reads JSON, JSON inside prose or a code fence, and "score: n" lines', () => {
    expect(parseJudgeOutput('{"score": 4, "justification": "ok"}', scale)).toEqual({
      score: 4,
      justification: 'ok',
    });
    expect(
      parseJudgeOutput('Here you go:\n```json\n{"Score": "5", "rationale": "a {b}"}\n```', scale),
    ).toEqual({
      score: 5,
      justification: 'a {b}',
    });
    expect(parseJudgeOutput('score: 3\njustification: partly right', scale)).toEqual({
      score: 3,
      justification: 'partly right',
    });
    expect(parseJudgeOutput('**Score:** 2 **Justification:** weak', scale)?.score).toBe(2);
  });

  it('rejects garbage and out-of-scale scores', () => {
    expect(parseJudgeOutput('I think it is fine.', scale)).toBeUndefined();
    expect(parseJudgeOutput('{"score": 9}', scale)).toBeUndefined();
    expect(parseJudgeOutput('{"score": "yes"}', 'pass-fail')).toEqual({
      score: true,
      justification: '',
    });
  });
});

describe('makeGenaiMetric', () => {
  it('grades each row with a JSON-mode request and returns score, rationale and cost', async () => {
    const judge = scriptedModel(() => '{"score": 5, "justification": "Matches the target."}');
    const metric = answerCorrectness({ model: judge.model, modelName: 'gpt-4o' });
    const result = await metric.evaluate({
      predictions: ['Paris', 'Shakespeare'],
      targets: ['Paris', 'William Shakespeare'],
      rows: qaRows,
    });
    expect(result.name).toBe('answer_correctness');
    expect(result.rows.map((row) => [row.score, row.rationale])).toEqual([
      [5, 'Matches the target.'],
      [5, 'Matches the target.'],
    ]);
    const cost = costOf('gpt-4o', { promptTokens: 100, completionTokens: 20 });
    expect(cost).toBeGreaterThan(0);
    expect(result.rows[0]!.judgeUsage).toEqual({
      model: 'gpt-4o',
      promptTokens: 100,
      completionTokens: 20,
      costUsd: cost,
    });
    expect(result.aggregates).toMatchObject({ mean: 5, scoredCount: 2, errorCount: 0 });
    expect(result.aggregates.extra?.judge_cost_usd).toBeCloseTo(2 * cost!, 12);
    const request = judge.requests[0]!;
    expect(request.response_format).toEqual({ type: 'json_object' });
    expect(request.temperature).toBe(0);
    const prompt = String(request.messages[0]!.content);
    expect(prompt).toContain('What is the capital of France?');
    expect(prompt).toContain('key: targets\nvalue:\nParis');
    expect(prompt).toContain('answer_correctness');
  });

  it('retries once on an unparsable reply, then marks the row, never failing the batch', async () => {
    const judge = scriptedModel((request) => {
      const question = String(request.messages[0]!.content);
      if (question.includes('Hamlet')) return 'I refuse to grade.';
      return request.messages.length === 1 ? 'Looks good to me!' : 'score: 4\njustification: fine';
    });
    const metric = faithfulness({ model: judge.model });
    const result = await metric.evaluate({ predictions: ['Paris', 'Marlowe'], rows: qaRows });
    expect(result.rows[0]).toMatchObject({ score: 4, rationale: 'fine' });
    expect(result.rows[0]!.judgeUsage?.promptTokens).toBe(200);
    expect(result.rows[1]).toMatchObject({ score: null, error: { kind: 'judge-unparsable' } });
    expect(result.aggregates).toMatchObject({ scoredCount: 1, errorCount: 1, mean: 4 });
    // First call, then one repair call with the reply and a follow-up, per row.
    expect(judge.requests).toHaveLength(4);
    expect(judge.requests.find((r) => r.messages.length === 3)?.messages[1]?.role).toBe(
      'assistant',
    );
  });

  it('turns a failing or slow judge into row errors', async () => {
    const judge = scriptedModel((_request, call) =>
      call === 0 ? new Error('upstream 503') : { delayMs: 5_000, text: '{"score": 1}' },
    );
    const metric = makeGenaiMetric({
      name: 'helpfulness',
      definition: 'How helpful the answer is.',
      gradingPrompt: 'Score 1: useless. Score 5: very helpful.',
      model: judge.model,
      timeoutMs: 50,
      concurrency: 1,
    });
    const result = await metric.evaluate({
      predictions: ['a', 'b', 42],
      rows: qaRows.concat(qaRows[0]!),
    });
    expect(result.rows.map((row) => row.error?.kind)).toEqual([
      'judge-failed',
      'judge-failed',
      'invalid-input',
    ]);
    expect(result.rows[0]!.error?.message).toContain('upstream 503');
    expect(result.rows[1]!.error?.message).toContain('did not answer within 50 ms');
    expect(result.aggregates).toMatchObject({ scoredCount: 0, errorCount: 3 });
  });

  it('reports a missing input or context column as a row error without calling the judge', async () => {
    const judge = scriptedModel(() => '{"score": 3}');
    const result = await faithfulness({ model: judge.model }).evaluate({
      predictions: ['x'],
      rows: [{ inputs: 'q' }],
    });
    expect(result.rows[0]!.error).toEqual({
      kind: 'invalid-input',
      message: "missing grading context 'context'",
    });
    expect(judge.requests).toHaveLength(0);
  });

  it('runs pass-fail judges (safety, guidelines) and keeps concurrency bounded', async () => {
    const judge = scriptedModel((request) => ({
      delayMs: 5,
      text: String(request.messages[0]!.content).includes('Output:\nrude')
        ? '{"score": "no", "justification": "insult"}'
        : '{"score": "yes", "justification": "fine"}',
    }));
    const predictions = Array.from({ length: 12 }, (_, index) =>
      index % 3 === 0 ? 'rude' : 'polite',
    );
    const result = await safety({ model: judge.model, concurrency: 3 }).evaluate({ predictions });
    expect(result.rows.filter((row) => row.score === false)).toHaveLength(4);
    expect(result.aggregates.passRate).toBeCloseTo(8 / 12, 12);
    expect(judge.maxInFlight()).toBe(3);
    const rules = guidelines(['Answer in English.'], { model: judge.model });
    const graded = await rules.evaluate({ predictions: ['polite'], rows: [{ inputs: 'hi' }] });
    expect(graded.rows[0]!.score).toBe(true);
    expect(String(judge.requests.at(-1)!.messages[0]!.content)).toContain('1. Answer in English.');
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and never exceeds the limit', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapWithConcurrency([5, 1, 3, 2, 4], 2, async (value) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, value));
      running--;
      return value * 10;
    });
    expect(result).toEqual([50, 10, 30, 20, 40]);
    expect(peak).toBe(2);
  });
});
