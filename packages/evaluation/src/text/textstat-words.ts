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

// The same classes for ASCII-only text, where \p{L}\p{N} is [A-Za-z0-9] and Python's \s is
// [\t\n\v\f\r\x1c-\x1f ]: non-Unicode regexes run several times faster on the common case.
// Built from strings: the classes name control characters on purpose (Python treats some as space).
const nonAscii = /[\u0080-\uffff]/;
const asciiWhitespace = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const asciiPunctuationExceptApostrophe = new RegExp(`[^A-Za-z0-9_${asciiWhitespace}']`, 'g');
const asciiPunctuationAll = new RegExp(`[^A-Za-z0-9_${asciiWhitespace}]`, 'g');
// In ASCII, JavaScript's \b (a [A-Za-z0-9_] boundary) is Python's Unicode word boundary.
const asciiSentencePattern = /\b[^.!?]+[.!?]*/g;

/** textstat's `remove_punctuation(text, rm_apostrophe)`. */
export function removePunctuation(text: string, removeApostrophe = false): string {
  const ascii = !nonAscii.test(text);
  if (removeApostrophe) return text.replace(ascii ? asciiPunctuationAll : punctuationAll, '');
  return text
    .replace(nonContractionApostrophe, '')
    .replace(ascii ? asciiPunctuationExceptApostrophe : punctuationExceptApostrophe, '');
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
  const sentences = text.match(nonAscii.test(text) ? sentencePattern : asciiSentencePattern) ?? [];
  let ignored = 0;
  for (const sentence of sentences) if (countWords(sentence) <= 2) ignored++;
  return Math.max(1, sentences.length - ignored);
}

/** textstat's `count_chars(text, ignore_spaces=True)`: code points that are not whitespace. */
export function countChars(text: string): number {
  // Python's len counts code points, not UTF-16 units.
  return [...text.replace(/\s/gu, '')].length;
}
