/**
 * Readability formulas as `textstat` 0.7.x computes them for English (no rounding, its default):
 * Flesch reading ease, Flesch–Kincaid grade and the automated readability index, the last two
 * being MLflow's default `flesch_kincaid_grade_level` and `ari_grade_level` metrics.
 */

import { splitWhitespace } from '../text/split-whitespace.js';
import { countChars, countSentences, countWords } from '../text/textstat-words.js';
import { countSyllables } from './syllables.js';

function wordsPerSentence(text: string): number {
  const sentences = countSentences(text);
  return sentences === 0 ? 0 : countWords(text) / sentences;
}

function syllablesPerWord(text: string): number {
  const words = countWords(text);
  return words === 0 ? 0 : countSyllables(text) / words;
}

/**
 * Flesch reading ease: 206.835 − 1.015 × words/sentence − 84.6 × syllables/word (0 for no words).
 *
 * @example fleschReadingEase('The cat sat on the mat.') // 116.145
 */
export function fleschReadingEase(text: string): number {
  const sentenceLength = wordsPerSentence(text);
  const syllables = syllablesPerWord(text);
  if (sentenceLength === 0 || syllables === 0) return 0;
  return 206.835 - 1.015 * sentenceLength - 84.6 * syllables;
}

/**
 * Flesch–Kincaid grade: 0.39 × words/sentence + 11.8 × syllables/word − 15.59 (0 for no words).
 *
 * @example fleschKincaidGrade('The cat sat on the mat.') // -1.45
 */
export function fleschKincaidGrade(text: string): number {
  const sentenceLength = wordsPerSentence(text);
  const syllables = syllablesPerWord(text);
  if (sentenceLength === 0 || syllables === 0) return 0;
  return 0.39 * sentenceLength + 11.8 * syllables - 15.59;
}

/**
 * Automated readability index: 4.71 × characters/word + 0.5 × words/sentence − 21.43, where
 * characters include punctuation and "words" here keep punctuation-only tokens (textstat).
 */
export function automatedReadabilityIndex(text: string): number {
  const tokens = splitWhitespace(text).length;
  const charactersPerWord = tokens === 0 ? 0 : countChars(text) / tokens;
  const sentenceLength = wordsPerSentence(text);
  if (charactersPerWord === 0 || sentenceLength === 0) return 0;
  return 4.71 * charactersPerWord + 0.5 * sentenceLength - 21.43;
}
