/** Prompt templates as MLflow stores them: text with `{{ variable }}` slots, or chat messages. */

import type { PromptMessage } from './registry.js';

/** MLflow's variable pattern: `{{ name }}` or dotted `{{ user.name }}`, blanks allowed inside. */
const variablePattern = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*)\s*\}\}/g;

/** A template is text, or a list of chat messages whose contents are templates. */
export type PromptTemplate = string | PromptMessage[];

/**
 * Checks a template's braces: every `{{` must close with `}}` around a valid variable name, and
 * no stray `}}` may appear. Returns a message naming the first problem, or undefined when fine.
 */
export function templateProblem(template: PromptTemplate): string | undefined {
  if (typeof template !== 'string') {
    if (!Array.isArray(template) || template.length === 0)
      return 'a chat template must be a non-empty list of {role, content} messages';
    for (const [index, message] of template.entries()) {
      if (
        typeof message !== 'object' ||
        message === null ||
        typeof message.role !== 'string' ||
        message.role === '' ||
        typeof message.content !== 'string'
      )
        return `message ${index} must be {role: string, content: string}`;
      const problem = templateProblem(message.content);
      if (problem) return `message ${index}: ${problem}`;
    }
    return undefined;
  }
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{{', index);
    const close = template.indexOf('}}', index);
    if (open === -1) {
      return close === -1
        ? undefined
        : `unbalanced braces: '}}' at character ${close + 1} closes nothing`;
    }
    if (close !== -1 && close < open)
      return `unbalanced braces: '}}' at character ${close + 1} closes nothing`;
    const end = template.indexOf('}}', open + 2);
    if (end === -1) return `unbalanced braces: '{{' at character ${open + 1} is never closed`;
    const inner = template.slice(open + 2, end);
    if (inner.includes('{{'))
      return `unbalanced braces: '{{' at character ${open + 1} is never closed`;
    if (!/^\s*[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*\s*$/.test(inner))
      return `invalid variable '{{${inner}}}' at character ${open + 1}: use letters, digits, _ and dots`;
    index = end + 2;
  }
  return undefined;
}

/** The distinct variable names of a template, in order of first use. */
export function templateVariables(template: PromptTemplate): string[] {
  const texts = typeof template === 'string' ? [template] : template.map((m) => m.content);
  const names = new Set<string>();
  for (const text of texts)
    for (const match of text.matchAll(variablePattern)) names.add(match[1]!);
  return [...names];
}

/** Thrown by `formatTemplate` when a variable has no value. */
export class MissingPromptVariableError extends Error {
  override readonly name = 'MissingPromptVariableError';
  constructor(
    readonly missing: string[],
    promptName?: string,
  ) {
    super(
      `Missing value${missing.length > 1 ? 's' : ''} for prompt variable${missing.length > 1 ? 's' : ''} ${missing.map((name) => `'${name}'`).join(', ')}${promptName ? ` of prompt '${promptName}'` : ''}.`,
    );
  }
}

/**
 * Fills every `{{ variable }}` (dotted names read nested objects); throws
 * `MissingPromptVariableError` naming every variable without a value.
 */
export function formatTemplate<T extends PromptTemplate>(
  template: T,
  values: Record<string, unknown>,
  promptName?: string,
): T {
  const missing = templateVariables(template).filter((name) => lookup(values, name) === undefined);
  if (missing.length > 0) throw new MissingPromptVariableError(missing, promptName);
  const fill = (text: string) =>
    text.replace(variablePattern, (_whole, name: string) => {
      const value = lookup(values, name);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  if (typeof template === 'string') return fill(template) as T;
  return (template as PromptMessage[]).map((message) => ({
    ...message,
    content: fill(message.content),
  })) as T;
}

function lookup(values: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(values, name)) return values[name];
  let current: unknown = values;
  for (const part of name.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part))
      return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/**
 * Picks an A/B variant for a unit (user or session id): a stable hash of `test:unit` mapped onto
 * the cumulative weights, so the same unit always gets the same variant, in every process.
 */
export function assignVariant<V extends { name: string; weight: number }>(
  testName: string,
  unitId: string,
  variants: readonly V[],
): V {
  const total = variants.reduce((sum, variant) => sum + Math.max(0, variant.weight), 0);
  if (variants.length === 0 || total <= 0)
    throw new Error(`A/B test '${testName}' has no variants with weight.`);
  const point = stableUnitInterval(`${testName}:${unitId}`) * total;
  let cumulative = 0;
  for (const variant of variants) {
    cumulative += Math.max(0, variant.weight);
    if (point < cumulative) return variant;
  }
  return variants[variants.length - 1]!;
}

/** FNV-1a over UTF-16 code units with a murmur-style finaliser, mapped to [0, 1). */
export function stableUnitInterval(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}
