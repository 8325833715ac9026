import { describe, expect, it } from 'vitest';
import {
  automatedReadabilityIndex,
  countSyllables,
  fleschKincaidGrade,
  fleschReadingEase,
} from '../index.js';

// Expected values are worked by hand from textstat 0.7's definitions (no rounding):
//   words/sentence × 1.015 and syllables/word × 84.6 subtracted from 206.835 (reading ease),
//   0.39 × words/sentence + 11.8 × syllables/word − 15.59 (Flesch–Kincaid grade),
// with syllables from the CMU dictionary's first pronunciation. Against textstat's own test
// texts this implementation reproduces its published values (e.g. 59.771 / 10.359 / 11.408 for
// its long text) to the three decimals its tests check; those texts are not copied here.
describe('readability (textstat)', () => {
  it('scores a one-sentence text of one-syllable words', () => {
    // 6 words, 1 sentence, 6 syllables.
    const text = 'The cat sat on the mat.';
    expect(countSyllables(text)).toBe(6);
    expect(fleschReadingEase(text)).toBeCloseTo(206.835 - 1.015 * 6 - 84.6, 10); // 116.145
    expect(fleschKincaidGrade(text)).toBeCloseTo(0.39 * 6 + 11.8 - 15.59, 10); // -1.45
    // 18 non-space characters over 6 tokens: 4.71 × 3 + 0.5 × 6 − 21.43 = −4.3.
    expect(automatedReadabilityIndex(text)).toBeCloseTo(-4.3, 10);
  });

  it('counts syllables from the CMU dictionary (anna 2, puzzles 2)', () => {
    // 2 sentences of 3 words; syllables anna 2, likes 1, puzzles 2, she 1, is 1, good 1 = 8.
    const text = 'Anna likes puzzles. She is good.';
    expect(countSyllables(text)).toBe(8);
    expect(fleschReadingEase(text)).toBeCloseTo(206.835 - 1.015 * 3 - (84.6 * 8) / 6, 10); // 90.99
    expect(fleschKincaidGrade(text)).toBeCloseTo(0.39 * 3 + (11.8 * 8) / 6 - 15.59, 10);
  });

  it('ignores "sentences" of two words or fewer when counting sentences', () => {
    // "Hi there." has two words and is not counted: 7 words over 1 sentence.
    // Syllables: hi 1, there 1, the 1, weather 2, is 1, lovely 2, today 2 = 10.
    const text = 'Hi there. The weather is lovely today.';
    expect(fleschReadingEase(text)).toBeCloseTo(206.835 - 1.015 * 7 - (84.6 * 10) / 7, 10);
  });

  it('keeps contractions as one word and drops other punctuation', () => {
    // I 1, don't 1 (CMU: D OW1 N T), know 1 → 3 words, 3 syllables, 1 sentence.
    expect(countSyllables("I don't know!")).toBe(3);
    expect(fleschKincaidGrade("I don't know!")).toBeCloseTo(0.39 * 3 + 11.8 - 15.59, 10);
  });

  it('falls back to hyphenation for words the dictionary lacks', () => {
    // 'text_a' is not in CMU; the patterns break it once (text-_a), as pyphen does: 2 syllables.
    expect(countSyllables('text_a')).toBe(2);
  });

  it('returns 0 for text without words', () => {
    expect(fleschReadingEase('')).toBe(0);
    expect(fleschKincaidGrade('...')).toBe(0);
    expect(automatedReadabilityIndex('')).toBe(0);
  });
});
