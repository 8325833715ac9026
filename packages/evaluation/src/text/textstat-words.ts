/**
 * Word and sentence counting as `textstat` (0.7.x) does it, on which its readability formulas
 * rest: punctuation removal that keeps contraction apostrophes, Python's whitespace split, and
 * its sentence regex that ignores "sentences" of two words or fewer.
 */
import { pythonWhitespaceClass, splitWhitespace } from './split-whitespace.js';

// textstat: an apostrophe not followed by a contraction ending (t, s, d, ve, ll, re) is dropped.
const nonContractionApostrophe = /'(?![tsd]|ve|ll|re)/g;
// Python's [^\w\s'] with Unicode \w (letters, numbers, underscore) and Python's \s.
const punctuationExceptApostrophe = new RegExp(`[^\\p{L}\\p{N}_${pythonWhitespaceClass}']`, 'gu');
const punctuationAll = new RegExp(`[^\\p{L}\\p{N}_${pythonWhitespaceClass}]`, 'gu');
// textstat's r"\b[^.!?]+[.!?]*" with Python's Unicode-aware word boundary spelled out.
const sentencePattern =
  /(?:(?<=[\p{L}\p{N}_])(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}_])(?=[\p{L}\p{N}_]))[^.!?]+[.!?]*/gu;

/** textstat's `remove_punctuation(text, rm_apostrophe)`. */
export function removePunctuation(text: string, removeApostrophe = false): string {
  if (removeApostrophe) return text.replace(punctuationAll, '');
  return text.replace(nonContractionApostrophe, '').replace(punctuationExceptApostrophe, '');
}

/** textstat's `list_words(text, lowercase=...)` with punctuation removed (its default). */
export function listWords(text: string, lowercase = false): string[] {
  const cleaned = removePunctuation(text);
  return splitWhitespace(lowercase ? cleaned.toLowerCase() : cleaned);
}

/** textstat's `count_words(text)`. */
export function countWords(text: string): number {
  return listWords(text).length;
}

/** textstat's `count_sentences(text)`: 0 for '', otherwise at least 1. */
export function countSentences(text: string): number {
  if (text.length === 0) return 0;
  const sentences = text.match(sentencePattern) ?? [];
  let ignored = 0;
  for (const sentence of sentences) if (countWords(sentence) <= 2) ignored++;
  return Math.max(1, sentences.length - ignored);
}

/** textstat's `count_chars(text, ignore_spaces=True)`: code points that are not whitespace. */
export function countChars(text: string): number {
  // Python's len counts code points, not UTF-16 units.
  return [...text.replace(/\s/gu, '')].length;
}
