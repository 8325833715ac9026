import { invalidParameter } from '../errors.js';

/** One piece of an identifier between unquoted dots; `quoted` when it was in backticks or `"`. */
export interface NamePart {
  text: string;
  quoted: boolean;
}

/** A lexical token of the filter language; `position` is the 1-based character where it starts. */
export type Token = { position: number; source: string } & (
  | { kind: 'name'; parts: NamePart[] }
  | { kind: 'keyword'; keyword: Keyword }
  | { kind: 'string'; value: string; quote: "'" | '"' }
  | { kind: 'number'; value: number }
  | { kind: 'operator'; operator: '=' | '!=' | '<' | '<=' | '>' | '>=' }
  | { kind: 'open' | 'close' | 'comma' }
);

/** Words with a meaning of their own; matched case-insensitively. */
export type Keyword = 'AND' | 'OR' | 'NOT' | 'LIKE' | 'ILIKE' | 'IN' | 'ASC' | 'DESC';

const keywords = new Set<string>(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'IN', 'ASC', 'DESC']);
const numberPattern = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const nameStart = /[A-Za-z_]/;
// Unquoted keys may carry the characters MLflow allows in metric/param/tag names, so that
// `metrics.val-loss` or `tags.team/sub:x` work without quoting (we have no arithmetic to confuse).
const nameChar = /[A-Za-z0-9_\-/:]/;

/**
 * Splits a filter or order_by string into tokens. Strings take single or double quotes, with the
 * quote doubled (`'it''s'`) or backslash-escaped (`'it\'s'`) inside; identifiers may quote a
 * segment in backticks or double quotes after a dot (``tags.`my key` ``, `metrics."a b"`).
 */
export function tokenize(text: string, label = 'filter'): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const start = index;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'" || char === '"') {
      const end = readQuoted(text, index, label);
      tokens.push({
        kind: 'string',
        value: decodeQuoted(text.slice(index + 1, end), char),
        quote: char,
        position: start + 1,
        source: text.slice(start, end + 1),
      });
      index = end + 1;
    } else if (nameStart.test(char) || char === '`') {
      index = readName(text, index, tokens, label);
    } else if (/[-.\d]/.test(char)) {
      numberPattern.lastIndex = index;
      const match = numberPattern.exec(text);
      if (!match) throw unexpected(text, index, label);
      index += match[0].length;
      if (index < text.length && /[A-Za-z_.]/.test(text[index]!))
        throw unexpected(text, index, label);
      const source = match[0];
      tokens.push({ kind: 'number', value: Number(source), position: start + 1, source });
    } else if ('=!<>'.includes(char)) {
      const two = text.slice(index, index + 2);
      const operator =
        two === '!=' || two === '<>'
          ? '!='
          : two === '<=' || two === '>='
            ? two
            : char === '!'
              ? undefined
              : (char as '=' | '<' | '>');
      if (!operator || two === '==') throw unexpected(text, index, label);
      const length = two === '!=' || two === '<>' || two === '<=' || two === '>=' ? 2 : 1;
      tokens.push({
        kind: 'operator',
        operator,
        position: start + 1,
        source: text.slice(start, start + length),
      });
      index += length;
    } else if (char === '(' || char === ')' || char === ',') {
      const kind = char === '(' ? 'open' : char === ')' ? 'close' : 'comma';
      tokens.push({ kind, position: start + 1, source: char });
      index += 1;
    } else {
      throw unexpected(text, index, label);
    }
  }
  return tokens;
}

/** Reads an identifier (dotted parts, some quoted) or a keyword; returns the index after it. */
function readName(text: string, start: number, tokens: Token[], label: string): number {
  const parts: NamePart[] = [];
  let index = start;
  for (;;) {
    const char = text[index];
    if (char === '`' || (char === '"' && index > start)) {
      const end = readQuoted(text, index, label);
      parts.push({ text: decodeQuoted(text.slice(index + 1, end), char), quoted: true });
      index = end + 1;
    } else {
      const partStart = index;
      while (index < text.length && nameChar.test(text[index]!)) index += 1;
      if (index === partStart) throw unexpected(text, index, label);
      parts.push({ text: text.slice(partStart, index), quoted: false });
    }
    if (text[index] !== '.') break;
    index += 1;
    const next = text[index];
    if (next === undefined || !(next === '`' || next === '"' || nameChar.test(next)))
      throw unexpected(text, index, label);
  }
  const source = text.slice(start, index);
  const only = parts.length === 1 && !parts[0]!.quoted ? parts[0]!.text.toUpperCase() : undefined;
  if (only !== undefined && keywords.has(only))
    tokens.push({ kind: 'keyword', keyword: only as Keyword, position: start + 1, source });
  else tokens.push({ kind: 'name', parts, position: start + 1, source });
  return index;
}

/** Finds the closing quote of the quoted run opening at `start`; doubled or `\`-escaped quotes stay inside. */
function readQuoted(text: string, start: number, label: string): number {
  const quote = text[start]!;
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) index += 2;
    else if (char === quote && text[index + 1] === quote) index += 2;
    else if (char === quote) return index;
    else index += 1;
  }
  throw invalidParameter(
    `Invalid ${label} '${text}': unterminated quoted text starting at character ${start + 1}.`,
  );
}

function decodeQuoted(body: string, quote: string): string {
  return body.replace(/\\(.)|(["'`])\2/g, (whole, escaped: string | undefined, doubled) => {
    if (escaped !== undefined) return escaped === quote || escaped === '\\' ? escaped : whole;
    return doubled === quote ? quote : whole;
  });
}

function unexpected(text: string, index: number, label: string) {
  const found = index < text.length ? `'${text[index]}'` : 'the end of the text';
  return invalidParameter(
    `Invalid ${label} '${text}': unexpected ${found} at character ${index + 1}.`,
  );
}
