import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatModel, ChatResponse } from '@cairn/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinMetrics } from '../builtin-metrics.js';
import { makeMetric } from '../make-metric.js';
import {
  datasetDigest,
  loadRows,
  predictRows,
  resolveMetricSpec,
  runEvaluation,
  tableRecords,
} from './index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'cairn-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chatReply(content: string): ChatResponse {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'judge',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

describe('predictRows', () => {
  it('keeps the pool saturated: every start after the first `concurrency` sees it full', async () => {
    let inFlight = 0;
    const seen: number[] = [];
    const rows = Array.from({ length: 40 }, (_, index) => ({ index }));
    await predictRows({
      rows,
      concurrency: 4,
      predict: async (row) => {
        inFlight++;
        seen.push(inFlight);
        // Uneven latencies: batching would leave slots idle while a slow row finishes.
        await sleep((row.index as number) % 5 === 0 ? 30 : 2);
        inFlight--;
        return 'ok';
      },
    });
    expect(seen.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(seen.slice(4).every((count) => count === 4)).toBe(true);
    expect(Math.max(...seen)).toBe(4);
  });

  it('retries transient errors, not permanent ones, and keeps results in row order', async () => {
    const calls = new Map<number, number>();
    const results = await predictRows({
      rows: [{ id: 0 }, { id: 1 }, { id: 2 }],
      concurrency: 3,
      retry: { initialDelayMs: 1 },
      predict: async (row) => {
        const id = row.id as number;
        calls.set(id, (calls.get(id) ?? 0) + 1);
        if (id === 1 && calls.get(id) === 1)
          throw Object.assign(new Error('busy'), { status: 429 });
        if (id === 2) throw Object.assign(new Error('bad request'), { status: 400 });
        return { output: `answer ${id}`, usage: { prompt_tokens: 3, completion_tokens: 2 } };
      },
    });
    expect(results.map((result) => result.prediction)).toEqual(['answer 0', 'answer 1', undefined]);
    expect(results.map((result) => result.attempts)).toEqual([1, 2, 1]);
    expect(results[2]?.error).toBe('bad request');
    expect(results[0]?.usage).toEqual({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    expect(results[0]?.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('runEvaluation', () => {
  it('turns bad rows into row errors and still aggregates the scored ones', async () => {
    const rows = [
      { inputs: 'capital of France?', targets: 'Paris' },
      { inputs: 'capital of Spain?', targets: 'Madrid' },
      { inputs: 'explode', targets: 'x' },
      { inputs: 'number please', targets: '4' },
      { inputs: 'say nothing', targets: 'something' },
    ];
    const answers: Record<string, unknown> = {
      'capital of France?': 'Paris',
      'capital of Spain?': 'Barcelona',
      'number please': 4,
      'say nothing': '',
    };
    const result = await runEvaluation({
      rows,
      metrics: [builtinMetrics.exactMatch(), builtinMetrics.toxicity()],
      retry: { maxRetries: 0 },
      predict: async (row) => {
        if (row.inputs === 'explode') throw new Error('model crashed');
        return answers[row.inputs as string];
      },
    });
    const exact = result.metricResults.find((metric) => metric.name === 'exact_match')!;
    expect(exact.aggregates.scoredCount).toBe(2);
    expect(exact.aggregates.errorCount).toBe(3);
    expect(result.metrics['exact_match/v1']).toBe(0.5);
    expect(result.metrics['exact_match/v1/scored_count']).toBe(2);
    expect(result.metrics['latency/v1/scored_count']).toBe(4);
    expect(result.metrics['evaluation/prediction_error_count']).toBe(2);
    expect(result.failures.predictionErrors).toBe(2);
    expect(result.failures.metricErrors.exact_match).toBe(3);
    expect(result.complete).toBe(false);
    const records = tableRecords(result.table);
    expect(records[2]?.error).toBe('no prediction: model crashed');
    expect(records[3]?.['exact_match/v1/error']).toMatch(/expected a string, got number/);
    expect(records[4]?.['exact_match/v1/error']).toBe('invalid-input: empty prediction');
    expect(records[0]?.['exact_match/v1/score']).toBe(true);
    expect(result.table.columns).toEqual(
      expect.arrayContaining(['inputs', 'targets', 'predictions', 'latency']),
    );
  });

  it('reads predictions from a column, reports a missing one per row, and runs custom metrics', async () => {
    const result = await runEvaluation({
      rows: [
        { question: 'q1', answer: 'a', predictions: 'a' },
        { question: 'q2', answer: 'b' },
      ],
      targetsColumn: 'answer',
      metrics: [
        builtinMetrics.exactMatch(),
        makeMetric({
          name: 'length',
          evalFn: (predictions) => ({ scores: predictions.map((p) => String(p).length) }),
        }),
      ],
    });
    expect(result.metrics['exact_match/v1/scored_count']).toBe(1);
    expect(result.metrics['length/mean']).toBe(1);
    const records = tableRecords(result.table);
    expect(records[1]?.error).toBe("no prediction: missing column 'predictions'");
    expect(records[0]?.targets).toBe('a');
  });

  it('records judge scores, rationales and garbage answers as row errors', async () => {
    let call = 0;
    const judge: ChatModel = {
      chat: async () => {
        call++;
        const text = JSON.stringify({ row: call });
        return chatReply(
          text.includes('"row":1') ? '{"score": 4, "justification": "close"}' : 'no idea',
        );
      },
    };
    const result = await runEvaluation({
      rows: [
        { inputs: 'a', targets: 'b', predictions: 'c' },
        { inputs: 'd', targets: 'e', predictions: 'f' },
      ],
      metrics: [resolveMetricSpec('answer_correctness', { judge, judgeConcurrency: 1 })],
    });
    const records = tableRecords(result.table);
    expect(records[0]?.['answer_correctness/v1/score']).toBe(4);
    expect(records[0]?.['answer_correctness/v1/justification']).toBe('close');
    expect(records[1]?.['answer_correctness/v1/error']).toMatch(/^judge-unparsable/);
    expect(result.metrics['answer_correctness/v1/mean']).toBe(4);
    expect(result.failures.metricErrors.answer_correctness).toBe(1);
  });
});

describe('loadRows', () => {
  it('reads CSV and JSONL files and gives the same digest for the same rows', async () => {
    writeFileSync(join(dir, 'qa.csv'), 'inputs,targets\n"What, exactly?",yes\nWhy,because\n');
    writeFileSync(
      join(dir, 'qa.jsonl'),
      '{"inputs":"What, exactly?","targets":"yes"}\n\n{"targets":"because","inputs":"Why"}\n',
    );
    const csv = await loadRows(join(dir, 'qa.csv'));
    const jsonl = await loadRows(join(dir, 'qa.jsonl'));
    expect(csv).toEqual([
      { inputs: 'What, exactly?', targets: 'yes' },
      { inputs: 'Why', targets: 'because' },
    ]);
    expect(datasetDigest(csv)).toBe(datasetDigest(jsonl));
    expect(datasetDigest(csv)).not.toBe(datasetDigest([...csv].reverse()));
  });

  it('names the bad line of a JSONL file', async () => {
    writeFileSync(join(dir, 'bad.jsonl'), '{"inputs":"a"}\n{oops\n');
    await expect(loadRows(join(dir, 'bad.jsonl'))).rejects.toThrow(/bad\.jsonl:2: invalid JSON/);
  });
});
