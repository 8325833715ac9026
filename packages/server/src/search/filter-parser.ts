import { invalidParameter } from '../errors.js';
import { type NamePart, type Token, tokenize } from './filter-tokenizer.js';

/** Every comparator the filter language knows; which ones a key accepts depends on its type. */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** The left side of a comparison: `prefix.key`, or a bare `key` (an attribute). */
export interface Identifier {
  /** The entity word before the first dot, as written (`metrics`, `tag`, `attr`…); absent when bare. */
  prefix?: string;
  key: string;
  source: string;
}

/** The right side of a comparison. */
export type Literal =
  | { kind: 'string'; value: string; source: string }
  | { kind: 'number'; value: number; source: string }
  | { kind: 'list'; values: string[]; source: string };

/** One `identifier comparator value` clause; the filter is the AND of all of them. */
export interface Comparison {
  identifier: Identifier;
  comparator: Comparator;
  value: Literal;
  /** 1-based character where the clause starts, and its text, for error messages. */
  position: number;
  source: string;
}

/**
 * Parses an MLflow filter string (`metrics.acc > 0.9 and params.model = 'gpt-4'`) into its
 * comparisons. Only syntax is checked here; which keys and comparators fit is the caller's rule.
 * An empty or blank filter has no comparisons.
 */
export function parseFilter(text: string): Comparison[] {
  const tokens = tokenize(text);
  const comparisons: Comparison[] = [];
  let index = 0;
  while (index < tokens.length) {
    if (comparisons.length > 0) {
      const joiner = tokens[index]!;
      if (joiner.kind !== 'keyword' || joiner.keyword !== 'AND')
        throw invalidClause(text, joiner, 'expected AND between comparisons (OR is not supported)');
      index += 1;
      if (index >= tokens.length) throw invalidClause(text, joiner, 'nothing follows AND');
    }
    const parsed = parseComparison(text, tokens, index);
    comparisons.push(parsed.comparison);
    index = parsed.next;
  }
  return comparisons;
}

/** Reads an identifier token (a name, or a bare double-quoted key) into prefix and key. */
export function identifierFrom(token: Token, label: string): Identifier | undefined {
  if (token.kind === 'string' && token.quote === '"')
    return { key: token.value, source: token.source };
  if (token.kind !== 'name') return undefined;
  const [first, ...rest] = token.parts as [NamePart, ...NamePart[]];
  if (rest.length === 0) return { key: first.text, source: token.source };
  if (rest.length > 1 && rest.some((part) => part.quoted))
    throw invalidParameter(
      `Invalid ${label}: identifier '${token.source}' at character ${token.position} quotes only part of its key; quote the whole key, e.g. tags.\`a.b\`.`,
    );
  return {
    prefix: first.text,
    key: rest.map((part) => part.text).join('.'),
    source: token.source,
  };
}

function parseComparison(
  text: string,
  tokens: Token[],
  start: number,
): { comparison: Comparison; next: number } {
  const first = tokens[start]!;
  const identifier = identifierFrom(first, 'filter');
  if (!identifier)
    throw invalidClause(text, first, 'expected an identifier such as metrics.accuracy');
  let index = start + 1;
  const comparatorToken = tokens[index];
  if (!comparatorToken) throw invalidClause(text, first, 'a comparator and a value must follow');
  let comparator: Comparator | undefined;
  if (comparatorToken.kind === 'operator') comparator = comparatorToken.operator;
  else if (comparatorToken.kind === 'keyword') {
    const { keyword } = comparatorToken;
    if (keyword === 'LIKE' || keyword === 'ILIKE' || keyword === 'IN') comparator = keyword;
    else if (keyword === 'NOT' && tokens[index + 1]?.kind === 'keyword') {
      const after = tokens[index + 1] as Token & { kind: 'keyword' };
      if (after.keyword === 'IN') {
        comparator = 'NOT IN';
        index += 1;
      }
    }
  }
  if (!comparator)
    throw invalidClause(
      text,
      comparatorToken,
      'expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)',
    );
  index += 1;
  const valueToken = tokens[index];
  if (!valueToken) throw invalidClause(text, first, 'a value must follow the comparator');
  let value: Literal;
  if (valueToken.kind === 'string')
    value = { kind: 'string', value: valueToken.value, source: valueToken.source };
  else if (valueToken.kind === 'number')
    value = { kind: 'number', value: valueToken.value, source: valueToken.source };
  else if (valueToken.kind === 'open') {
    const list = parseList(text, tokens, index);
    value = list.value;
    index = list.close;
  } else throw invalidClause(text, valueToken, 'expected a quoted string, a number or a list');
  const last = tokens[index]!;
  const source = text.slice(first.position - 1, last.position - 1 + last.source.length);
  const isList = value.kind === 'list';
  const wantsList = comparator === 'IN' || comparator === 'NOT IN';
  if (isList !== wantsList)
    throw invalidParameter(
      wantsList
        ? `Invalid clause '${source}' at character ${first.position}: ${comparator} needs a parenthesised list of quoted strings, e.g. run_id IN ('a', 'b').`
        : `Invalid clause '${source}' at character ${first.position}: a list can only follow IN or NOT IN.`,
    );
  return {
    comparison: { identifier, comparator, value, position: first.position, source },
    next: index + 1,
  };
}

/** Reads `('a', 'b', …)` starting at the `(`; returns the list and the index of its `)`. */
function parseList(
  text: string,
  tokens: Token[],
  open: number,
): { value: Literal & { kind: 'list' }; close: number } {
  const values: string[] = [];
  let index = open + 1;
  for (;;) {
    const token = tokens[index];
    if (!token)
      throw invalidClause(text, tokens[open]!, 'the list is not closed with a parenthesis');
    if (token.kind === 'close' && values.length === 0)
      throw invalidParameter(
        `While parsing a list in the query, expected a non-empty list of string values, but got empty list (character ${token.position}).`,
      );
    if (token.kind !== 'string')
      throw invalidParameter(
        `While parsing a list in the query, expected a quoted string value at character ${token.position}, found '${token.source}'.`,
      );
    values.push(token.value);
    const after = tokens[index + 1];
    if (after?.kind === 'close') {
      const openToken = tokens[open]!;
      const source = text.slice(openToken.position - 1, after.position);
      return { value: { kind: 'list', values, source }, close: index + 1 };
    }
    if (after?.kind !== 'comma')
      throw invalidClause(text, after ?? token, "expected ',' or ')' in the list");
    index += 2;
  }
}

function invalidClause(text: string, token: Token, problem: string) {
  return invalidParameter(
    `Invalid clause(s) in filter string: '${text.slice(token.position - 1)}' at character ${token.position}: ${problem}.`,
  );
}
