import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusBleu, sentenceBleu, tokenize13a } from '../index.js';

describe('tokenize13a', () => {
  it('splits punctuation but keeps numbers with periods and commas together', () => {
    expect(tokenize13a('Hello, world! 3.14 and 1,000 e.g. 5-6')).toEqual([
      'Hello',
      ',',
      'world',
      '!',
      '3.14',
      'and',
      '1,000',
      'e',
      '.',
      'g',
      '.',
      '5',
      '-',
      '6',
    ]);
  });

  it('unescapes HTML entities and joins hyphenated line breaks', () => {
    expect(tokenize13a('a &amp; b &quot;c&quot; co-\noperate')).toEqual([
      'a',
      '&',
      'b',
      '"',
      'c',
      '"',
      'cooperate',
    ]);
  });

  it('property: equals the four regex rules of sacrebleu applied literally', () => {
    // sacrebleu's TokenizerRegexp, spelled out as written (including the space in rule 1).
    const literal = (text: string) =>
      ` ${text} `
        .replace(/([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40\x2F])/g, ' $1 ')
        .replace(/([^0-9])([.,])/g, '$1 $2 ')
        .replace(/([.,])([^0-9])/g, ' $1 $2')
        .replace(/([0-9])(-)/g, '$1 $2 ')
        .split(' ')
        .filter((token) => token !== '');
    const text = fc
      .array(
        fc.constantFrom('a', 'B', '1', '9', '.', ',', '-', ' ', '  ', '$', '(', '?', "'", '/', 'é'),
        {
          maxLength: 40,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (value) => {
        expect(tokenize13a(value)).toEqual(literal(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('corpusBleu', () => {
  it("matches sacrebleu's documented example (BLEU = 48.53 82.4/50.0/45.5/37.5, BP 0.943)", () => {
    // sacrebleu README: two reference streams, regrouped here per prediction.
    const predictions = [
      'The dog bit the man.',
      "It wasn't surprising.",
      'The man had just bitten him.',
    ];
    const references = [
      ['The dog bit the man.', 'The dog had bit the man.'],
      ['It was not unexpected.', 'No one was surprised.'],
      ['The man bit him first.', 'The man had bitten the dog.'],
    ];
    const bleu = corpusBleu(predictions, references);
    expect(bleu.score.toFixed(2)).toBe('48.53');
    expect(bleu.precisions.map((p) => p.toFixed(1))).toEqual(['82.4', '50.0', '45.5', '37.5']);
    expect(bleu.bp.toFixed(3)).toBe('0.943');
    expect(bleu.ratio.toFixed(3)).toBe('0.944');
    expect([bleu.sysLen, bleu.refLen]).toEqual([17, 18]);
    expect(bleu.counts).toEqual([14, 7, 5, 3]);
    expect(bleu.totals).toEqual([17, 14, 11, 8]);
  });

  it('is 0 when nothing matches and rejects mismatched lengths', () => {
    expect(corpusBleu(['xyz'], ['abc']).score).toBe(0);
    expect(() => corpusBleu(['a'], [])).toThrow(RangeError);
  });

  it('picks the closest reference length, the shorter on ties', () => {
    // hyp 3 tokens; refs of 2 and 4 tokens are equally close: sacrebleu keeps 2.
    expect(corpusBleu(['a b c'], [['a b', 'a b c d']]).refLen).toBe(2);
  });
});

describe('sentenceBleu', () => {
  it("uses 'exp' smoothing for missing n-gram orders (hand-worked)", () => {
    // a b c d vs a b x d: 1-grams 3/4, 2-grams 1/3, 3-grams 0/2, 4-grams 0/1.
    // exp smoothing: p3 = 100/(2·2) = 25, p4 = 100/(4·1) = 25; BP = 1.
    // BLEU = (75 · 33.33 · 25 · 25)^(1/4) = 1,562,500^(1/4) = √1250 = 35.3553…
    const bleu = sentenceBleu('a b c d', 'a b x d');
    expect(bleu.precisions).toEqual([75, 100 / 3, 25, 25]);
    expect(bleu.score).toBeCloseTo(Math.sqrt(1250), 10);
  });

  it('uses the effective order for short sentences (hand-worked)', () => {
    // 'the cat' vs 'the cat sat': orders 1 and 2 are perfect, order 3 has no n-grams, so the
    // mean is over two orders: 100 · BP, BP = exp(1 − 3/2).
    expect(sentenceBleu('the cat', 'the cat sat').score).toBeCloseTo(100 * Math.exp(-0.5), 10);
  });

  it('takes the best match over several references', () => {
    expect(
      sentenceBleu('the cat sat on the mat', ['a dog', 'the cat sat on the mat']).score,
    ).toBeCloseTo(100, 9);
  });

  it('property: an identical non-empty prediction scores 100, every score is within 0..100', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const sentence = fc
      .array(word, { minLength: 1, maxLength: 30 })
      .map((words) => words.join(' '));
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        expect(sentenceBleu(a, a).score).toBeCloseTo(100, 9);
        const score = sentenceBleu(a, b).score;
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100 + 1e-9);
        const corpus = corpusBleu([a, b], [a, b]).score;
        expect(corpus).toBeLessThanOrEqual(100 + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('property: one reference (hashed counts) matches the same reference given twice (sorted merge)', () => {
    // Few distinct words make repeated n-grams, so clipping is exercised on both paths.
    const text = fc
      .array(fc.constantFrom('a', 'b', 'c', 'a.', 'b,'), { minLength: 0, maxLength: 300 })
      .map((words) => words.join(' '));
    fc.assert(
      fc.property(text, text, (prediction, reference) => {
        const single = sentenceBleu(prediction, reference);
        const twice = sentenceBleu(prediction, [reference, reference]);
        expect(single.counts).toEqual(twice.counts);
        expect(single.score).toBe(twice.score);
      }),
      { numRuns: 300 },
    );
  });
});
