import { describe, expect, it } from 'vitest';
import {
  aggregateScores,
  builtinMetrics,
  defaultMetrics,
  makeMetric,
  moderationToxicity,
  percentile,
} from './index.js';

describe('aggregateScores', () => {
  it('gives mean, numpy-style percentiles, min, max and counts', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 90)).toBeCloseTo(3.7, 12);
    expect(aggregateScores([1, 2, 3, 4, null], 1)).toEqual({
      scoredCount: 4,
      errorCount: 1,
      mean: 2.5,
      p50: 2.5,
      p90: 3.7,
      min: 1,
      max: 4,
      variance: 1.25,
    });
  });

  it('gives a pass rate for boolean scores', () => {
    expect(aggregateScores([true, false, true, true])).toMatchObject({
      passRate: 0.75,
      mean: 0.75,
    });
    expect(aggregateScores([], 2)).toEqual({ scoredCount: 0, errorCount: 2 });
  });
});

describe('makeMetric', () => {
  it('runs sync and async evalFns and keeps extra aggregates', async () => {
    const words = makeMetric({
      name: 'word_count',
      greaterIsBetter: false,
      evalFn: (predictions) => ({
        scores: predictions.map((prediction) => String(prediction).split(' ').length),
        aggregate: { total: 5 },
      }),
    });
    const result = await words.evaluate({ predictions: ['a b', 'c d e'] });
    expect(result).toMatchObject({ name: 'word_count', greaterIsBetter: false });
    expect(result.rows.map((row) => row.score)).toEqual([2, 3]);
    expect(result.aggregates).toMatchObject({ mean: 2.5, extra: { total: 5 } });

    const matches = makeMetric({
      name: 'matches_target',
      requiresTargets: true,
      evalFn: async (predictions, targets, rows) => ({
        scores: predictions.map(
          (prediction, index) => prediction === targets?.[index] && rows[index]?.ok === true,
        ),
      }),
    });
    const graded = await matches.evaluate({
      predictions: ['x', 'y'],
      targets: ['x', 'x'],
      rows: [{ ok: true }, { ok: true }],
    });
    expect(graded.aggregates.passRate).toBe(0.5);
  });

  it('marks every row when evalFn throws or returns the wrong number of scores', async () => {
    const broken = makeMetric({
      name: 'broken',
      evalFn: () => {
        throw new Error('boom');
      },
    });
    const result = await broken.evaluate({ predictions: ['a', 'b'] });
    expect(result.rows).toEqual([
      { score: null, error: { kind: 'metric-failed', message: 'boom' } },
      { score: null, error: { kind: 'metric-failed', message: 'boom' } },
    ]);
    expect(result.aggregates).toEqual({ scoredCount: 0, errorCount: 2 });
    const short = makeMetric({ name: 'short', evalFn: () => ({ scores: [1] }) });
    expect((await short.evaluate({ predictions: ['a', 'b'] })).rows[0]!.error?.message).toContain(
      'one score per row',
    );
  });
});

describe('built-in metric objects', () => {
  it('score valid rows and turn bad input into row errors', async () => {
    const bleu = builtinMetrics.bleu();
    const result = await bleu.evaluate({
      predictions: ['the cat sat on the mat', 42, 'a dog'],
      targets: ['the cat sat on the mat', 'x', undefined],
    });
    expect(result.rows[0]!.score).toBeCloseTo(100, 9);
    expect(result.rows[1]!.error).toEqual({
      kind: 'invalid-input',
      message: 'prediction: expected a string, got number',
    });
    expect(result.rows[2]!.error).toEqual({ kind: 'invalid-input', message: 'missing target' });
    expect(result.aggregates).toMatchObject({ scoredCount: 1, errorCount: 2 });
    expect(result.aggregates.extra?.corpus_bleu).toBeCloseTo(100, 9);
  });

  it('read latency and logprobs from row columns', async () => {
    const latency = await builtinMetrics.latency().evaluate({
      predictions: ['a', 'b', 'c'],
      rows: [{ latency: 0.1 }, { latency: 0.3 }, {}],
    });
    expect(latency.aggregates).toMatchObject({ mean: 0.2, scoredCount: 2, errorCount: 1 });
    const perplexity = await builtinMetrics.perplexity().evaluate({
      predictions: ['a'],
      rows: [{ logprobs: { content: [{ token: 'a', logprob: Math.log(0.5) }] } }],
    });
    expect(perplexity.rows[0]!.score).toBeCloseTo(2, 12);
  });

  it('reports toxicity ratio like MLflow and checks JSON schema conformance', async () => {
    const toxicity = await builtinMetrics
      .toxicity()
      .evaluate({ predictions: ['fine', 'you idiot', 'ok', 'nice'] });
    expect(toxicity.aggregates.extra?.ratio).toBe(0.25);
    const schema = await builtinMetrics
      .jsonSchemaConformance({ type: 'object', required: ['answer'] })
      .evaluate({ predictions: ['{"answer": 1}', '{}', 'nope'] });
    expect(schema.aggregates.passRate).toBeCloseTo(1 / 3, 12);
  });

  it('has MLflow default metric sets per model type', () => {
    const names = (type: Parameters<typeof defaultMetrics>[0]) =>
      defaultMetrics(type).map((metric) => metric.name);
    const text = ['token_count', 'toxicity', 'flesch_kincaid_grade_level', 'ari_grade_level'];
    expect(names('text')).toEqual(text);
    expect(names('question-answering')).toEqual([...text, 'exact_match']);
    expect(names('text-summarization')).toEqual([
      ...text,
      'rouge1',
      'rouge2',
      'rougeL',
      'rougeLsum',
    ]);
    expect(names('retrieval')).toEqual(['precision_at_3', 'recall_at_3', 'ndcg_at_3']);
    expect(defaultMetrics('retrieval', { retrieverK: 5 })[0]!.name).toBe('precision_at_5');
  });

  it('scores retrieval rows', async () => {
    const ndcg = await builtinMetrics
      .ndcgAtK(3)
      .evaluate({ predictions: [['a', 'b']], targets: [['a', 'b']] });
    expect(ndcg.rows[0]!.score).toBe(1);
  });
});

describe('moderationToxicity', () => {
  it('uses a moderation function and turns its failures into row errors', async () => {
    const metric = moderationToxicity({
      moderate: async (text) => {
        if (text === 'boom') throw new Error('moderation endpoint down');
        return text.includes('idiot') ? 0.9 : 0.01;
      },
    });
    const result = await metric.evaluate({ predictions: ['hello', 'you idiot', 'boom'] });
    expect(result.rows.map((row) => row.score)).toEqual([0.01, 0.9, null]);
    expect(result.rows[2]!.error).toEqual({
      kind: 'judge-failed',
      message: 'moderation endpoint down',
    });
    expect(result.aggregates.errorCount).toBe(1);
  });
});
