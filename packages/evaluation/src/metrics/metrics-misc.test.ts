import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answerLength,
  contains,
  createToxicityClassifier,
  exactMatch,
  jsonSchemaConformance,
  jsonValidity,
  ndcgAtK,
  normalizeAnswer,
  perplexity,
  precisionAtK,
  recallAtK,
  regexMatch,
  tokenCount,
  tokenF1,
  toxicity,
} from '../index.js';

describe('answer matching (SQuAD)', () => {
  it('normalises as the SQuAD script', () => {
    expect(normalizeAnswer('The  Eiffel Tower!')).toBe('eiffel tower');
    expect(normalizeAnswer('an apple, a day')).toBe('apple day');
  });

  it('exact match is raw by default (MLflow) and normalised on request (SQuAD)', () => {
    expect(exactMatch('Paris', 'Paris')).toBe(true);
    expect(exactMatch('paris.', 'Paris')).toBe(false);
    expect(exactMatch('paris.', 'Paris', { normalize: true })).toBe(true);
    expect(exactMatch('Lyon', ['Paris', 'Lyon'])).toBe(true);
  });

  it('token F1 is the harmonic mean of token precision and recall', () => {
    // 'eiffel tower' vs 'eiffel tower in paris': 2 common, P 1, R 1/2 → F1 2/3.
    expect(tokenF1('the Eiffel tower', 'Eiffel Tower in Paris')).toBeCloseTo(2 / 3, 12);
    expect(tokenF1('', '')).toBe(1);
    expect(tokenF1('x', '')).toBe(0);
  });

  it('property: identical answers match exactly with F1 = 1', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(exactMatch(text, text)).toBe(true);
        expect(tokenF1(text, text)).toBe(1);
      }),
    );
  });
});

describe('retrieval (MLflow definitions)', () => {
  it('precision@k and recall@k', () => {
    expect(precisionAtK(['a', 'x', 'b', 'c'], ['a', 'b'], 3)).toBeCloseTo(2 / 3, 12);
    expect(precisionAtK([], ['a'], 3)).toBe(0);
    expect(recallAtK(['a', 'x'], ['a', 'b'], 2)).toBe(0.5);
    expect(recallAtK([], [], 3)).toBe(1);
    expect(recallAtK(['a'], [], 3)).toBe(0);
  });

  it('NDCG@k with binary relevance (hand-worked)', () => {
    // DCG = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3).
    expect(ndcgAtK(['a', 'x', 'b'], ['a', 'b'], 3)).toBeCloseTo(1.5 / (1 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK(['a', 'b'], ['a', 'b'], 3)).toBe(1);
    expect(ndcgAtK([], [], 3)).toBe(1);
    expect(ndcgAtK(['x'], ['a'], 3)).toBe(0);
  });
});

describe('text checks', () => {
  it('regex, contains, length', () => {
    expect(regexMatch('Order #123', /#\d+/g)).toBe(true);
    expect(regexMatch('Order', '^\\d+$')).toBe(false);
    expect(contains('Hello World', 'world', { caseSensitive: false })).toBe(true);
    expect(contains('Hello World', ['Hello', 'Moon'])).toBe(false);
    expect(contains('Hello World', ['Hello', 'Moon'], { mode: 'any' })).toBe(true);
    expect(answerLength('two  words\n')).toBe(2);
    expect(answerLength('héllo', 'characters')).toBe(5);
  });

  it('JSON validity and schema conformance', () => {
    expect(jsonValidity('{"a": 1}')).toBe(true);
    expect(jsonValidity('{a: 1}')).toBe(false);
    expect(jsonValidity('```json\n{"a": 1}\n```')).toBe(false);
    expect(jsonValidity('```json\n{"a": 1}\n```', { allowCodeFence: true })).toBe(true);
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } };
    expect(jsonSchemaConformance('{"a": 1}', schema)).toEqual({ valid: true, errors: [] });
    const bad = jsonSchemaConformance('{"a": "x"}', schema);
    expect(bad.valid).toBe(false);
    expect(bad.errors[0]).toContain('/a');
    expect(jsonSchemaConformance('nope', schema).errors[0]).toMatch(/^not JSON/);
  });
});

describe('perplexity', () => {
  it('is exp(-mean logprob) from a list, an OpenAI logprobs object or a response', () => {
    expect(perplexity([Math.log(0.5), Math.log(0.5)])).toBeCloseTo(2, 12);
    const content = [
      { token: 'a', logprob: Math.log(0.25) },
      { token: 'b', logprob: Math.log(1) },
    ];
    expect(perplexity({ content })).toBeCloseTo(2, 12);
    expect(
      perplexity({
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'ab' },
            finish_reason: 'stop',
            logprobs: { content },
          },
        ],
      }),
    ).toBeCloseTo(2, 12);
    expect(() => perplexity([])).toThrow(/log-probabilities/);
  });
});

describe('tokenCount', () => {
  it('counts cl100k_base tokens', async () => {
    expect(await tokenCount('hello world')).toBe(2);
    expect(await tokenCount('')).toBe(0);
  });
});

describe('toxicity (lexicon)', () => {
  it('scores clean text 0 and abusive text high', () => {
    expect(toxicity('Have a nice day, the assassin in the novel was classy.')).toBe(0);
    expect(toxicity('you are an idiot')).toBeCloseTo(0.6, 12);
    expect(toxicity('I will kill you')).toBeGreaterThan(0.9);
  });

  it('sees through obfuscation: leetspeak, repeats, masking, spacing', () => {
    for (const text of ['1d10t', 'idiooooot', 'f*ck off', 'f u c k', 'f.u.c.k', 'IDIOTS']) {
      expect(toxicity(text), text).toBeGreaterThan(0.5);
    }
  });

  it('combines terms as a noisy-OR and honours allow and extra terms', () => {
    // idiot 0.6 and stupid 0.45: 1 − 0.4 × 0.55 = 0.78.
    expect(toxicity('stupid idiot')).toBeCloseTo(0.78, 12);
    const classify = createToxicityClassifier({
      allowTerms: ['damn'],
      extraTerms: [{ term: 'frobnicator', weight: 0.5, category: 'insult' }],
    });
    expect(classify('damn').score).toBe(0);
    expect(classify('you frobnicator').matches.map((match) => match.term)).toEqual(['frobnicator']);
  });

  it('property: scores stay in 0..1', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const score = toxicity(text);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
      }),
    );
  });
});
