/**
 * The tokenizer of Google's `rouge-score`: lower-case, every run of characters outside [a-z0-9]
 * becomes a space, optional Porter stemming of tokens longer than three characters.
 */
import { porterStem } from './porter-stemmer.js';

/** The maximal runs of [a-z0-9] in `text`: what splitting on /[^a-z0-9]+/ leaves, without the regex. */
function alphanumericRuns(text: string): string[] {
  const runs: string[] = [];
  let start = -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const inside = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (inside) {
      if (start < 0) start = index;
    } else if (start >= 0) {
      runs.push(text.slice(start, index));
      start = -1;
    }
  }
  if (start >= 0) runs.push(text.slice(start));
  return runs;
}

/**
 * Tokenizes `text` as `rouge_score.tokenize.tokenize(text, stemmer)`.
 *
 * @example rougeTokenize('The cats ran!', true) // ['the', 'cat', 'ran']
 */
export function rougeTokenize(text: string, useStemmer: boolean, cache?: Map<string, string>) {
  const result: string[] = [];
  for (const token of alphanumericRuns(text.toLowerCase())) {
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
