import { invalidParameter } from '../errors.js';

/** A comparison operator of the trace filter language. */
export type Comparator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'ILIKE'
  | 'RLIKE'
  | 'IN'
  | 'NOT IN';

/** What a filter clause compares: a column of the trace, or a keyed value (tag, metadata, …). */
export type TraceField =
  | { kind: 'attribute'; name: TraceAttribute }
  | { kind: 'tag' | 'metadata' | 'feedback' | 'expectation' | 'spanAttribute'; key: string }
  | { kind: 'span'; name: 'name' | 'type' | 'model' | 'status' }
  | { kind: 'assessment'; name: 'name' | 'type' }
  | { kind: 'prompt' }
  | { kind: 'text' };

/** Trace columns a filter may name. */
export type TraceAttribute =
  | 'status'
  | 'timestamp_ms'
  | 'execution_time_ms'
  | 'end_time_ms'
  | 'request_id'
  | 'client_request_id'
  | 'name'
  | 'run_id'
  | 'input_tokens'
  | 'output_tokens'
  | 'total_tokens'
  | 'cost'
  | 'span_count';

/** One `field comparator value` clause; clauses are joined by AND. */
export interface TraceClause {
  field: TraceField;
  comparator: Comparator;
  value: string | number | string[];
}

const numericAttributes = new Set<TraceAttribute>([
  'timestamp_ms',
  'execution_time_ms',
  'end_time_ms',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cost',
  'span_count',
]);

const attributeAliases: Record<string, TraceAttribute> = {
  status: 'status',
  state: 'status',
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  request_time: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  execution_time_ms: 'execution_time_ms',
  execution_duration: 'execution_time_ms',
  end_time_ms: 'end_time_ms',
  request_id: 'request_id',
  trace_id: 'request_id',
  client_request_id: 'client_request_id',
  name: 'name',
  run_id: 'run_id',
  input_tokens: 'input_tokens',
  output_tokens: 'output_tokens',
  total_tokens: 'total_tokens',
  cost: 'cost',
  span_count: 'span_count',
};

type Token =
  | { kind: 'name'; parts: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; value: string }
  | { kind: 'open' | 'close' | 'comma' };

/**
 * Parses MLflow's trace filter syntax (both the 3.x and the 2.x spellings):
 * `trace.status = 'OK' AND metadata.\`mlflow.trace.session\` = 's1' AND trace.timestamp_ms > 17e11`.
 * Identifiers: `trace.<attr>` or a bare attr, `tag(s).<k>`, `metadata.<k>` / `request_metadata.<k>`,
 * `span.name|type|model|status`, `span.attributes.<k>`, `feedback.<name>`, `expectation.<name>`,
 * `assessment.name|type`, `prompt = "name/version"` (a linked prompt version), `trace.text`;
 * the trace-metrics spellings `trace.metadata.<k>` and `trace.tag.<k>` too. Only AND joins
 * clauses, as in MLflow.
 */
export function parseTraceFilter(filter: string | undefined): TraceClause[] {
  if (!filter || filter.trim() === '') return [];
  const tokens = tokenize(filter);
  const clauses: TraceClause[] = [];
  let index = 0;
  const next = () => tokens[index++];
  while (index < tokens.length) {
    const nameToken = next();
    if (nameToken?.kind !== 'name') throw invalid(filter, 'expected an identifier');
    const field = fieldOf(nameToken.parts, filter);
    const comparator = readComparator(tokens, index, filter);
    index += comparator === 'NOT IN' ? 2 : 1;
    let value: TraceClause['value'];
    if (comparator === 'IN' || comparator === 'NOT IN') {
      if (next()?.kind !== 'open') throw invalid(filter, `expected '(' after ${comparator}`);
      const values: string[] = [];
      for (;;) {
        const item = next();
        if (item?.kind !== 'string') throw invalid(filter, 'IN takes a list of quoted strings');
        values.push(item.value);
        const separator = next();
        if (separator?.kind === 'close') break;
        if (separator?.kind !== 'comma') throw invalid(filter, "expected ',' or ')'");
      }
      value = values;
    } else {
      const literal = next();
      if (literal?.kind === 'string') value = literal.value;
      else if (literal?.kind === 'number') value = literal.value;
      else throw invalid(filter, 'expected a value after the comparator');
    }
    clauses.push(checked({ field, comparator, value }, filter));
    if (index < tokens.length) {
      const joiner = next();
      if (joiner?.kind !== 'name' || joiner.parts.join('.').toUpperCase() !== 'AND') {
        throw invalid(filter, "clauses can only be joined by 'AND'");
      }
    }
  }
  return clauses;
}

function fieldOf(parts: string[], filter: string): TraceField {
  const [head, ...rest] = parts;
  const prefix = head!.toLowerCase();
  const key = rest.join('.');
  if ((prefix === 'tag' || prefix === 'tags') && key) return { kind: 'tag', key };
  if ((prefix === 'metadata' || prefix === 'request_metadata') && key)
    return { kind: 'metadata', key };
  if (prefix === 'trace' && rest.length >= 2) {
    const section = rest[0]!.toLowerCase();
    const sectionKey = rest.slice(1).join('.');
    if (section === 'tag' || section === 'tags') return { kind: 'tag', key: sectionKey };
    if (section === 'metadata') return { kind: 'metadata', key: sectionKey };
  }
  if (prefix === 'feedback' && key) return { kind: 'feedback', key };
  if (prefix === 'expectation' && key) return { kind: 'expectation', key };
  if (prefix === 'span' && rest.length >= 2 && rest[0]!.toLowerCase() === 'attributes') {
    return { kind: 'spanAttribute', key: rest.slice(1).join('.') };
  }
  if (prefix === 'span' && rest.length === 1) {
    const name = rest[0]!.toLowerCase();
    if (name === 'name' || name === 'type' || name === 'model' || name === 'status') {
      return { kind: 'span', name };
    }
  }
  if (prefix === 'assessment' && rest.length === 1) {
    const name = rest[0]!.toLowerCase();
    if (name === 'name' || name === 'type') return { kind: 'assessment', name };
  }
  if (prefix === 'prompt' && rest.length === 0) return { kind: 'prompt' };
  const attribute =
    (prefix === 'trace' || prefix === 'attribute' || prefix === 'attributes') && rest.length === 1
      ? rest[0]!.toLowerCase()
      : parts.length === 1
        ? prefix
        : undefined;
  if (attribute === 'text') return { kind: 'text' };
  if (attribute !== undefined && attributeAliases[attribute]) {
    return { kind: 'attribute', name: attributeAliases[attribute] };
  }
  throw invalid(filter, `invalid identifier '${parts.join('.')}'`);
}

function checked(clause: TraceClause, filter: string): TraceClause {
  const { field, comparator, value } = clause;
  if (field.kind === 'prompt') {
    if (comparator !== '=') {
      throw invalid(filter, `'${comparator}' cannot compare prompt; only '=' is supported`);
    }
    if (typeof value !== 'string' || !parsePromptVersion(value)) {
      throw invalid(
        filter,
        `prompt takes a quoted 'name/version' with an integer version, got ${JSON.stringify(value)}`,
      );
    }
    return clause;
  }
  const numeric = field.kind === 'attribute' && numericAttributes.has(field.name);
  if (numeric) {
    if (!['=', '!=', '<', '<=', '>', '>='].includes(comparator)) {
      throw invalid(filter, `'${comparator}' cannot compare a numeric field`);
    }
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw invalid(filter, `expected a number, got ${JSON.stringify(value)}`);
    }
    return { ...clause, value: number };
  }
  if (['<', '<=', '>', '>='].includes(comparator)) {
    throw invalid(filter, `'${comparator}' only compares numeric fields`);
  }
  if (field.kind === 'text' && comparator !== 'LIKE' && comparator !== 'ILIKE') {
    throw invalid(filter, 'trace.text supports LIKE and ILIKE only');
  }
  if (typeof value === 'number') return { ...clause, value: String(value) };
  return clause;
}

/** The prompt name and version of a `prompt = "name/version"` value; undefined if malformed. */
export function parsePromptVersion(value: string): { name: string; version: string } | undefined {
  const match = /^(.+)\/(\d+)$/.exec(value.trim());
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!.replace(/^0+(?=\d)/, '') };
}

function readComparator(tokens: Token[], index: number, filter: string): Comparator {
  const token = tokens[index];
  if (token?.kind === 'op') return token.value as Comparator;
  if (token?.kind === 'name' && token.parts.length === 1) {
    const word = token.parts[0]!.toUpperCase();
    if (word === 'LIKE' || word === 'ILIKE' || word === 'RLIKE' || word === 'IN') return word;
    const following = tokens[index + 1];
    if (
      word === 'NOT' &&
      following?.kind === 'name' &&
      following.parts[0]?.toUpperCase() === 'IN'
    ) {
      return 'NOT IN';
    }
  }
  throw invalid(
    filter,
    'expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, RLIKE, IN, NOT IN)',
  );
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (char === "'" || char === '"') {
      const [value, end] = quoted(text, index);
      tokens.push({ kind: 'string', value });
      index = end;
    } else if (/[A-Za-z_`]/.test(char)) {
      const parts: string[] = [];
      for (;;) {
        if (text[index] === '`' || (parts.length > 0 && text[index] === '"')) {
          const [value, end] = quoted(text, index);
          parts.push(value);
          index = end;
        } else {
          const match = /^[A-Za-z0-9_\-/:]+/.exec(text.slice(index));
          if (!match) throw invalid(text, `unexpected character at ${index + 1}`);
          parts.push(match[0]);
          index += match[0].length;
        }
        if (text[index] !== '.') break;
        index++;
      }
      tokens.push({ kind: 'name', parts });
    } else if (/[-\d.]/.test(char)) {
      const match = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(index));
      if (!match) throw invalid(text, `unexpected character at ${index + 1}`);
      tokens.push({ kind: 'number', value: Number(match[0]) });
      index += match[0].length;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char === '(' ? 'open' : char === ')' ? 'close' : 'comma' });
      index++;
    } else {
      const match = /^(!=|<=|>=|<>|=|<|>)/.exec(text.slice(index));
      if (!match) throw invalid(text, `unexpected character '${char}' at ${index + 1}`);
      tokens.push({ kind: 'op', value: match[0] === '<>' ? '!=' : match[0] });
      index += match[0].length;
    }
  }
  return tokens;
}

/** Reads a quoted string or identifier starting at `start`; the quote is doubled or `\`-escaped inside. */
function quoted(text: string, start: number): [string, number] {
  const quote = text[start]!;
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\\' && index + 1 < text.length) {
      value += text[index + 1];
      index += 2;
    } else if (char === quote) {
      if (text[index + 1] === quote) {
        value += quote;
        index += 2;
      } else {
        return [value, index + 1];
      }
    } else {
      value += char;
      index++;
    }
  }
  throw invalid(text, `unterminated ${quote} starting at ${start + 1}`);
}

function invalid(filter: string, reason: string): Error {
  return invalidParameter(`Invalid filter string '${filter}': ${reason}.`);
}
