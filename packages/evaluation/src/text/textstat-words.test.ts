import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pythonWhitespaceClass, splitWhitespace } from './split-whitespace.js';
import { countSentences, removePunctuation } from './textstat-words.js';

// The Unicode definitions, as the oracle for the ASCII fast paths.
const punctuation = new RegExp(`[^\\p{L}\\p{N}_${pythonWhitespaceClass}']`, 'gu');
const punctuationAll = new RegExp(`[^\\p{L}\\p{N}_${pythonWhitespaceClass}]`, 'gu');
const sentence =
  /(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))[^.!?]+[.!?]*/gu;

describe('textstat words (ASCII fast path)', () => {
  it('property: ASCII text gets the same punctuation removal and sentence split as Unicode', () => {
    const ascii = fc
      .array(fc.integer({ min: 0, max: 127 }), { maxLength: 80 })
      .map((codes) => String.fromCharCode(...codes));
    const words = fc
      .array(fc.constantFrom('ab', 'C9', '_', ' ', '.', '!', '?', "'", "n't", ',', '\t', '\x1c'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(ascii, words), (text) => {
        const cleaned = text.replace(/'(?![tsd]|ve|ll|re)/g, '').replace(punctuation, '');
        expect(removePunctuation(text)).toBe(cleaned);
        expect(removePunctuation(text, true)).toBe(text.replace(punctuationAll, ''));
        // textstat: sentences of two words or fewer are ignored, at least one if text is non-empty.
        const wordCount = (part: string) =>
          splitWhitespace(part.replace(/'(?![tsd]|ve|ll|re)/g, '').replace(punctuation, '')).length;
        const found = text.match(sentence) ?? [];
        const kept = found.filter((part) => wordCount(part) > 2).length;
        const expected = text.length === 0 ? 0 : Math.max(1, kept);
        expect(countSentences(text)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
