import { describe, expect, it } from 'vitest';
import {
  compareEvaluations,
  evaluateGateRules,
  pairedBootstrap,
  pairedTTest,
  parseGateRule,
  regularizedBeta,
  studentTTwoSided,
} from './index.js';

describe('paired statistics', () => {
  it('matches reference values (scipy.stats)', () => {
    expect(regularizedBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 12);
    // scipy.stats.ttest_1samp([1, 2, 3, 4, 5], 0) → t 4.2426406871, p 0.0132356
    const test = pairedTTest([1, 2, 3, 4, 5]);
    expect(test.t).toBeCloseTo(4.2426406871, 9);
    expect(test.pValue).toBeCloseTo(0.0132356, 6);
    // t.sf(2.228138852, 10) * 2 = 0.05
    expect(studentTTwoSided(2.228138852, 10)).toBeCloseTo(0.05, 8);
    expect(studentTTwoSided(1.959963985, 1e7)).toBeCloseTo(0.05, 6);
  });

  it('gives a reproducible bootstrap interval that contains the mean', () => {
    const differences = [0.5, 0.2, 0.9, -0.1, 0.4, 0.6, 0.3, 0.7];
    const interval = pairedBootstrap(differences, { seed: 7 });
    expect(pairedBootstrap(differences, { seed: 7 })).toEqual(interval);
    expect(interval.low).toBeGreaterThan(0);
    expect(interval.low).toBeLessThan(0.4375);
    expect(interval.high).toBeGreaterThan(0.4375);
  });

  it('treats identical scores as no change', () => {
    expect(pairedTTest([0, 0, 0]).pValue).toBe(1);
  });
});

describe('gate rules', () => {
  it('parses absolute and baseline-relative rules', () => {
    expect(parseGateRule('answer_correctness/mean >= baseline - 0.02')).toEqual({
      source: 'answer_correctness/mean >= baseline - 0.02',
      metric: 'answer_correctness',
      aggregate: 'mean',
      operator: '>=',
      threshold: { kind: 'baseline', offset: -0.02 },
    });
    expect(parseGateRule('toxicity/v1/max<=0.1')).toMatchObject({
      metric: 'toxicity/v1',
      aggregate: 'max',
      threshold: { kind: 'absolute', value: 0.1 },
    });
    expect(parseGateRule('latency/p90 < baseline+1e-1').threshold).toEqual({
      kind: 'baseline',
      offset: 0.1,
    });
    expect(() => parseGateRule('toxicity <= 0.1')).toThrow(/expected '<metric>\/<aggregate>/);
    expect(() => parseGateRule('toxicity/max <= best')).toThrow(/right side/);
  });

  it('checks rules against versioned or plain metric names; missing metrics fail', () => {
    const candidate = { 'answer_correctness/v1/mean': 3.9, 'toxicity/v1/max': 0.05 };
    const baseline = { 'answer_correctness/v1/mean': 4.0 };
    const results = evaluateGateRules(
      ['answer_correctness/mean >= baseline - 0.02', 'toxicity/max <= 0.1', 'bleu/mean > 10'].map(
        parseGateRule,
      ),
      candidate,
      baseline,
    );
    expect(results.map((result) => result.passed)).toEqual([false, true, false]);
    expect(results[0]).toMatchObject({ actual: 3.9, baseline: 4.0 });
    expect(results[0]?.expected).toBeCloseTo(3.98, 12);
    expect(results[2]?.reason).toMatch(/no metric bleu\/mean/);
  });
});

describe('compareEvaluations', () => {
  const table = (scores: number[], toxic: number[]) => ({
    columns: ['inputs', 'predictions', 'correctness/score', 'toxicity/v1/score'],
    data: scores.map((score, index) => [`q${index}`, `answer ${index}`, score, toxic[index]]),
  });

  it('pairs rows by input, knows which direction is better, and lists regressed rows', () => {
    const baseline = table([5, 5, 4, 5, 5, 4, 5, 5], [0, 0, 0, 0, 0, 0, 0, 0]);
    const candidate = table([2, 1, 2, 3, 1, 2, 2, 1], [0.6, 0.5, 0.7, 0.6, 0.8, 0.5, 0.6, 0.7]);
    candidate.data.reverse();
    const comparison = compareEvaluations({ table: baseline }, { table: candidate });
    expect(comparison.pairedBy).toBe('inputs');
    const correctness = comparison.metrics.find((metric) => metric.metric === 'correctness')!;
    expect(correctness.verdict).toBe('regressed');
    expect(correctness.pairedCount).toBe(8);
    expect(correctness.delta).toBeCloseTo(1.75 - 4.75, 12);
    expect(correctness.regressedRows).toBe(8);
    const toxicity = comparison.metrics.find((metric) => metric.metric === 'toxicity')!;
    expect(toxicity.greaterIsBetter).toBe(false);
    expect(toxicity.verdict).toBe('regressed');
    expect(comparison.regressions[0]).toMatchObject({
      metric: 'correctness',
      key: '"q1"',
      baseline: 5,
      candidate: 1,
    });
    expect(comparison.regressions[0]?.candidatePrediction).toBe('answer 1');
  });

  it('calls identical evaluations unchanged', () => {
    const same = table([1, 2, 3, 4], [0, 0, 0, 0]);
    const comparison = compareEvaluations({ table: same }, { table: same });
    expect(comparison.metrics.map((metric) => metric.verdict)).toEqual(['unchanged', 'unchanged']);
    expect(comparison.regressions).toEqual([]);
  });
});
