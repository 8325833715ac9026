/**
 * sacrebleu's default tokenizer, `13a` (equivalent to mteval-v13a.pl used by WMT): unescapes a
 * few HTML entities, splits off punctuation and symbols, splits periods and commas unless they sit
 * between digits, and splits a dash that follows a digit.
 */
import { splitWhitespace } from './split-whitespace.js';

// The character ranges of sacrebleu's first rule: {-~ [-` space-& (-+ :-@ and '/' — less the
// space itself: padding a space with spaces changes no token and no later rule (a run of spaces
// and a single space look alike to them), and skipping it avoids tripling every gap.
const symbols = /([\x7B-\x7E\x5B-\x60\x21-\x26\x28-\x2B\x3A-\x40\x2F])/g;
const periodCommaAfterNonDigit = /([^0-9])([.,])/g;
const periodCommaBeforeNonDigit = /([.,])([^0-9])/g;
const dashAfterDigit = /([0-9])(-)/g;

/**
 * Tokenizes one segment as sacrebleu's `Tokenizer13a` and returns its tokens.
 *
 * @example tokenize13a('Hello, world!') // ['Hello', ',', 'world', '!']
 */
export function tokenize13a(segment: string): string[] {
  let line = segment.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line
      .replaceAll('&quot;', '"')
      .replaceAll('&amp;', '&')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>');
  }
  line = ` ${line} `.replace(symbols, ' $1 ');
  // The rules below cannot match without these characters; skipping them saves string copies.
  if (line.includes('.') || line.includes(',')) {
    line = line
      .replace(periodCommaAfterNonDigit, '$1 $2 ')
      .replace(periodCommaBeforeNonDigit, ' $1 $2');
  }
  if (line.includes('-')) line = line.replace(dashAfterDigit, '$1 $2 ');
  return splitWhitespace(line);
}
