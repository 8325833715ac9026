/**
 * Deterministic checks on an answer's text: regular-expression match, substring containment,
 * length, JSON validity and JSON Schema conformance (Ajv, draft 2020-12 and draft-07 keywords).
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { splitWhitespace } from '../text/split-whitespace.js';

// Ajv (with its URI parser, ~9 MB once loaded) is required on the first schema check, so a
// process that imports this package without using it (the tracking server) never pays for it.
let AjvConstructor: typeof AjvClass | undefined;
function newAjv(): AjvClass {
  AjvConstructor ??= (createRequire(import.meta.url)('ajv') as typeof import('ajv')).Ajv;
  return new AjvConstructor({ allErrors: true, strict: false });
}

/**
 * True when `pattern` matches somewhere in `text` (a string pattern is compiled without flags).
 *
 * @example regexMatch('Order #123', /#\d+/) // true
 */
export function regexMatch(text: string, pattern: RegExp | string): boolean {
  const regex =
    typeof pattern === 'string'
      ? new RegExp(pattern)
      : new RegExp(pattern.source, pattern.flags.replace('g', ''));
  return regex.test(text);
}

/**
 * True when `text` contains `needle` (or, with an array, every needle; `mode: 'any'` for any).
 *
 * @example contains('Hello World', 'world', { caseSensitive: false }) // true
 */
export function contains(
  text: string,
  needle: string | readonly string[],
  options: { caseSensitive?: boolean; mode?: 'all' | 'any' } = {},
): boolean {
  const fold =
    options.caseSensitive === false
      ? (value: string) => value.toLowerCase()
      : (value: string) => value;
  const haystack = fold(text);
  const needles = (typeof needle === 'string' ? [needle] : needle).map(fold);
  return options.mode === 'any'
    ? needles.some((item) => haystack.includes(item))
    : needles.every((item) => haystack.includes(item));
}

/**
 * The length of an answer in words (whitespace-separated, default) or characters (code points).
 *
 * @example answerLength('two words') // 2
 */
export function answerLength(text: string, unit: 'words' | 'characters' = 'words'): number {
  return unit === 'words' ? splitWhitespace(text).length : [...text].length;
}

const codeFence = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/;

function parseJson(text: string, allowCodeFence: boolean): { value: unknown } | { error: string } {
  const source = allowCodeFence ? (codeFence.exec(text)?.[1] ?? text) : text;
  try {
    return { value: JSON.parse(source) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * True when `text` is valid JSON (optionally wrapped in a Markdown code fence).
 *
 * @example jsonValidity('{"a": 1}') // true
 */
export function jsonValidity(text: string, options: { allowCodeFence?: boolean } = {}): boolean {
  return 'value' in parseJson(text, options.allowCodeFence ?? false);
}

/** The outcome of a schema check: conformance and the validator's messages. */
export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

const validators = new WeakMap<object, ValidateFunction>();

/**
 * Checks that `text` parses as JSON and conforms to the JSON Schema `schema`.
 *
 * @example jsonSchemaConformance('{"a": 1}', { type: 'object', required: ['a'] }).valid // true
 */
export function jsonSchemaConformance(
  text: string,
  schema: Record<string, unknown>,
  options: { allowCodeFence?: boolean } = {},
): SchemaCheck {
  const parsed = parseJson(text, options.allowCodeFence ?? false);
  if ('error' in parsed) return { valid: false, errors: [`not JSON: ${parsed.error}`] };
  let validate = validators.get(schema);
  if (!validate) {
    validate = newAjv().compile(schema);
    validators.set(schema, validate);
  }
  const valid = validate(parsed.value);
  return {
    valid,
    errors: valid
      ? []
      : (validate.errors ?? []).map(
          (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
        ),
  };
}
