/**
 * SQuAD's answer normalisation (the official evaluation script): lower-case, drop ASCII
 * punctuation, drop the articles a/an/the, collapse whitespace.
 */
import { splitWhitespace } from './split-whitespace.js';

// Python's string.punctuation.
const punctuation = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
// Python 3's \b is Unicode-aware; JavaScript's is not, so spell the word boundary out.
const articles = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * Normalises an answer as SQuAD's `normalize_answer`.
 *
 * @example normalizeAnswer('The  Eiffel Tower!') // 'eiffel tower'
 */
export function normalizeAnswer(text: string): string {
  const withoutPunctuation = text.toLowerCase().replace(punctuation, '');
  return splitWhitespace(withoutPunctuation.replace(articles, ' ')).join(' ');
}
