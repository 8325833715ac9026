import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { porterStem, rouge, rougeScore, rougeTokenize } from '../index.js';

describe('porterStem (NLTK_EXTENSIONS, as rouge-score uses it)', () => {
  it("matches NLTK's documented stems", () => {
    // The word list and stems of NLTK's PorterStemmer documentation.
    const expected: Record<string, string> = {
      caresses: 'caress',
      flies: 'fli',
      dies: 'die',
      mules: 'mule',
      denied: 'deni',
      died: 'die',
      agreed: 'agre',
      owned: 'own',
      humbled: 'humbl',
      sized: 'size',
      meeting: 'meet',
      stating: 'state',
      siezing: 'siez',
      itemization: 'item',
      sensational: 'sensat',
      traditional: 'tradit',
      reference: 'refer',
      colonizer: 'colon',
      plotted: 'plot',
    };
    for (const [word, stem] of Object.entries(expected)) expect(porterStem(word)).toBe(stem);
  });

  it('keeps irregular forms and short words', () => {
    expect(porterStem('dying')).toBe('die');
    expect(porterStem('skies')).toBe('sky');
    expect(porterStem('is')).toBe('is');
    expect(porterStem('constructor')).toBe('constructor');
  });
});

describe('rougeTokenize', () => {
  it('lower-cases, splits on non-alphanumerics and stems words longer than 3 letters', () => {
    expect(rougeTokenize('The CATS, running!', false)).toEqual(['the', 'cats', 'running']);
    expect(rougeTokenize('The CATS, running!', true)).toEqual(['the', 'cat', 'run']);
    expect(rougeTokenize('Café—naïve', false)).toEqual(['caf', 'na', 've']);
  });
});

describe('rouge', () => {
  // Cases in the style of rouge-score's rouge_scorer_test.py, worked by hand.
  it('ROUGE-1: "testing" against "testing one two" → P 1, R 1/3, F 1/2', () => {
    const row = rougeScore('testing', 'testing one two');
    expect(row.rouge1).toEqual({ precision: 1, recall: 1 / 3, fmeasure: 0.5 });
  });

  it('ROUGE-2: "testing one" against "testing one two" → P 1, R 1/2', () => {
    expect(rougeScore('testing one', 'testing one two').rouge2).toEqual({
      precision: 1,
      recall: 0.5,
      fmeasure: 2 / 3,
    });
  });

  it('ROUGE-L counts non-consecutive common subsequences', () => {
    const row = rougeScore('testing two', 'testing one two');
    expect(row.rougeL.precision).toBe(1);
    expect(row.rougeL.recall).toBe(2 / 3);
    expect(row.rouge2.precision).toBe(0);
  });

  it("ROUGE-Lsum uses union LCS over sentences (Lin 2004, §3.2's example)", () => {
    // Reference w1..w5; candidate sentences c1 = w1 w2 w6 w7 w8, c2 = w1 w3 w8 w9 w5.
    // LCS(r, c1) = w1 w2, LCS(r, c2) = w1 w3 w5, union = w1 w2 w3 w5: 4 hits.
    // Recall 4/5, precision 4/10.
    const row = rougeScore('w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', 'w1 w2 w3 w4 w5');
    expect(row.rougeLsum.recall).toBe(0.8);
    expect(row.rougeLsum.precision).toBe(0.4);
    expect(row.rougeLsum.fmeasure).toBeCloseTo(8 / 15, 12);
  });

  it('ROUGE-Lsum prevents double counting of a token hit by two sentences', () => {
    // Both candidate sentences match the reference token 'a'; the candidate has 'a' twice but the
    // reference only once, so it counts once: recall 1/2, precision 1/2.
    const row = rougeScore('a\na', 'a b');
    expect(row.rougeLsum.recall).toBe(0.5);
    expect(row.rougeLsum.precision).toBe(0.5);
  });

  it('stemming makes inflections match', () => {
    expect(rougeScore('the cats ran', 'the cat ran').rouge1.fmeasure).toBeCloseTo(2 / 3, 12);
    expect(rougeScore('the cats ran', 'the cat ran', { useStemmer: true }).rouge1.fmeasure).toBe(1);
  });

  it('takes the best reference per type and returns means', () => {
    const result = rouge(
      ['testing one two', 'testing'],
      [['nothing', 'testing one two'], 'testing one two'],
    );
    expect(result.rows[0]!.rouge1.fmeasure).toBe(1);
    expect(result.mean.rouge1.fmeasure).toBeCloseTo((1 + 0.5) / 2, 12);
  });

  it('scores empty or token-less text as 0', () => {
    expect(rougeScore('', 'abc').rougeL).toEqual({ precision: 0, recall: 0, fmeasure: 0 });
    expect(rougeScore('!!!', '...').rougeLsum.fmeasure).toBe(0);
  });

  it('property: ROUGE-L equals the textbook LCS dynamic program (bit-parallel LCS check)', () => {
    const lcs = (a: string[], b: string[]) => {
      const table = Array.from({ length: a.length + 1 }, () =>
        new Array<number>(b.length + 1).fill(0),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          table[i]![j] =
            a[i - 1] === b[j - 1]
              ? table[i - 1]![j - 1]! + 1
              : Math.max(table[i - 1]![j]!, table[i]![j - 1]!);
        }
      }
      return table[a.length]![b.length]!;
    };
    // Few distinct words and lengths past 32 and 64 exercise the multi-word carries.
    const words = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 140 });
    fc.assert(
      fc.property(words, words, (target, prediction) => {
        const row = rougeScore(prediction.join(' '), target.join(' '));
        expect(Math.round(row.rougeL.recall * target.length)).toBe(lcs(target, prediction));
      }),
      { numRuns: 300 },
    );
  });

  it('property: identical text scores F = 1 on every type; scores stay in 0..1', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const text = fc
      .array(fc.array(word, { minLength: 2, maxLength: 12 }), { minLength: 1, maxLength: 3 })
      .map((sentences) => sentences.map((words) => words.join(' ')).join('\n'));
    fc.assert(
      fc.property(text, text, fc.boolean(), (a, b, useStemmer) => {
        const same = rougeScore(a, a, { useStemmer });
        for (const type of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) {
          expect(same[type].fmeasure).toBeCloseTo(1, 12);
          const other = rougeScore(a, b, { useStemmer })[type];
          for (const value of Object.values(other)) {
            expect(value).toBeGreaterThanOrEqual(0);
            expect(value).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('property: ROUGE-1/2 overlap equals naive clipped n-gram counting', () => {
    const clipped = (target: string[], prediction: string[], order: number) => {
      const grams = (tokens: string[]) => {
        const counts = new Map<string, number>();
        for (let start = 0; start + order <= tokens.length; start++) {
          const key = tokens.slice(start, start + order).join(' ');
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return counts;
      };
      const predictionCounts = grams(prediction);
      let overlap = 0;
      for (const [key, count] of grams(target)) {
        overlap += Math.min(count, predictionCounts.get(key) ?? 0);
      }
      return overlap;
    };
    const words = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 2, maxLength: 300 });
    fc.assert(
      fc.property(words, words, (target, prediction) => {
        const row = rougeScore(prediction.join(' '), target.join(' '));
        expect(Math.round(row.rouge1.recall * target.length)).toBe(clipped(target, prediction, 1));
        expect(Math.round(row.rouge2.recall * (target.length - 1))).toBe(
          clipped(target, prediction, 2),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('ROUGE-L over more distinct tokens than the slot table starts with (it grows)', () => {
    const words = Array.from({ length: 3000 }, (_, index) => `w${index}`);
    const target = words.join(' ');
    // Dropping every third word leaves them as the LCS.
    const prediction = words.filter((_, index) => index % 3 !== 0).join(' ');
    const row = rouge([prediction, target], [target, target]).rows;
    expect(row[0]!.rougeL.recall).toBeCloseTo(2000 / 3000, 12);
    expect(row[0]!.rougeL.precision).toBe(1);
    expect(row[1]!.rougeL.fmeasure).toBe(1);
  });
});
