/**
 * The tokenizer of Google's `rouge-score`: lower-case, every run of characters outside [a-z0-9]
 * becomes a space, optional Porter stemming of tokens longer than three characters.
 */
import { porterStem } from './porter-stemmer.js';

const nonAlphanumeric = /[^a-z0-9]+/g;

/**
 * Tokenizes `text` as `rouge_score.tokenize.tokenize(text, stemmer)`.
 *
 * @example rougeTokenize('The cats ran!', true) // ['the', 'cat', 'ran']
 */
export function rougeTokenize(text: string, useStemmer: boolean, cache?: Map<string, string>) {
  const tokens = text.toLowerCase().replace(nonAlphanumeric, ' ').split(' ');
  const result: string[] = [];
  for (const token of tokens) {
    if (token.length === 0) continue;
    let value = token;
    if (useStemmer && token.length > 3) {
      const cached = cache?.get(token);
      if (cached !== undefined) value = cached;
      else {
        value = porterStem(token);
        cache?.set(token, value);
      }
    }
    // rouge-score re-checks tokens against ^[a-z0-9]+$; stems of such tokens always pass.
    if (value.length > 0) result.push(value);
  }
  return result;
}
