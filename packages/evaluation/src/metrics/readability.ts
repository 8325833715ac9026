/**
 * Readability formulas as `textstat` 0.7.x computes them for English (no rounding, its default):
 * Flesch reading ease, Flesch–Kincaid grade and the automated readability index, the last two
 * being MLflow's default `flesch_kincaid_grade_level` and `ari_grade_level` metrics.
 */

import { splitWhitespace } from '../text/split-whitespace.js';
import { countChars, countSentences, listWords } from '../text/textstat-words.js';
import { syllablesOfWord } from './syllables.js';

interface TextStatistics {
  words: number;
  sentences: number;
  syllables: number;
}

// fleschReadingEase and fleschKincaidGrade are usually asked about the same text one after the
// other; remembering the last text's counts halves the work.
let lastText: string | undefined;
let lastStatistics: TextStatistics | undefined;

function statisticsOf(text: string): TextStatistics {
  if (text === lastText && lastStatistics) return lastStatistics;
  const words = listWords(text);
  let syllables = 0;
  // textstat lower-cases after removing punctuation, which equals lower-casing each word.
  for (const word of words) syllables += syllablesOfWord(word.toLowerCase());
  lastStatistics = { words: words.length, sentences: countSentences(text), syllables };
  lastText = text;
  return lastStatistics;
}

function wordsPerSentence(statistics: TextStatistics): number {
  return statistics.sentences === 0 ? 0 : statistics.words / statistics.sentences;
}

function syllablesPerWord(statistics: TextStatistics): number {
  return statistics.words === 0 ? 0 : statistics.syllables / statistics.words;
}

/**
 * Flesch reading ease: 206.835 − 1.015 × words/sentence − 84.6 × syllables/word (0 for no words).
 *
 * @example fleschReadingEase('The cat sat on the mat.') // 116.145
 */
export function fleschReadingEase(text: string): number {
  const statistics = statisticsOf(text);
  const sentenceLength = wordsPerSentence(statistics);
  const syllables = syllablesPerWord(statistics);
  if (sentenceLength === 0 || syllables === 0) return 0;
  return 206.835 - 1.015 * sentenceLength - 84.6 * syllables;
}

/**
 * Flesch–Kincaid grade: 0.39 × words/sentence + 11.8 × syllables/word − 15.59 (0 for no words).
 *
 * @example fleschKincaidGrade('The cat sat on the mat.') // -1.45
 */
export function fleschKincaidGrade(text: string): number {
  const statistics = statisticsOf(text);
  const sentenceLength = wordsPerSentence(statistics);
  const syllables = syllablesPerWord(statistics);
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
  const sentenceLength = wordsPerSentence(statisticsOf(text));
  if (charactersPerWord === 0 || sentenceLength === 0) return 0;
  return 4.71 * charactersPerWord + 0.5 * sentenceLength - 21.43;
}
