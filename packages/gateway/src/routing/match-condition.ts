import type { Condition } from '../config/gateway-config.js';
import type { RequestContext } from './request-context.js';

/**
 * Evaluates a Mongo-style condition against a request: keys are dotted paths into
 * `{ metadata, params (the body), headers, user, session, tags }`; values are literals (equality)
 * or operator objects ($eq $ne $gt $gte $lt $lte $in $nin $regex $exists); $and/$or/$not combine.
 */
export function matchCondition(
  condition: Condition,
  context: RequestContext,
  params: unknown,
): boolean {
  const root = {
    metadata: context.metadata,
    params,
    headers: context.headers,
    user: context.user,
    session: context.session,
    tags: context.tags,
  };
  return matches(condition, root);
}

function matches(condition: Condition, root: Record<string, unknown>): boolean {
  for (const [key, expected] of Object.entries(condition)) {
    if (key === '$and') {
      if (!Array.isArray(expected) || !expected.every((part) => matches(part as Condition, root)))
        return false;
    } else if (key === '$or') {
      if (!Array.isArray(expected) || !expected.some((part) => matches(part as Condition, root)))
        return false;
    } else if (key === '$not') {
      if (matches(expected as Condition, root)) return false;
    } else if (!test(lookup(root, key), expected)) {
      return false;
    }
  }
  return true;
}

function lookup(root: Record<string, unknown>, path: string): unknown {
  let value: unknown = root;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function test(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    return looselyEqual(actual, expected);
  }
  for (const [operator, operand] of Object.entries(expected as Record<string, unknown>)) {
    if (!applyOperator(operator, actual, operand)) return false;
  }
  return true;
}

function applyOperator(operator: string, actual: unknown, operand: unknown): boolean {
  switch (operator) {
    case '$eq':
      return looselyEqual(actual, operand);
    case '$ne':
      return !looselyEqual(actual, operand);
    case '$gt':
      return toNumber(actual) > toNumber(operand);
    case '$gte':
      return toNumber(actual) >= toNumber(operand);
    case '$lt':
      return toNumber(actual) < toNumber(operand);
    case '$lte':
      return toNumber(actual) <= toNumber(operand);
    case '$in':
      return Array.isArray(operand) && operand.some((item) => looselyEqual(actual, item));
    case '$nin':
      return Array.isArray(operand) && !operand.some((item) => looselyEqual(actual, item));
    case '$regex':
      return typeof actual === 'string' && new RegExp(String(operand)).test(actual);
    case '$exists':
      return (actual !== undefined) === Boolean(operand);
    default:
      return false;
  }
}

// Headers and metadata are strings while YAML literals may be numbers or booleans.
function looselyEqual(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === undefined || actual === null || expected === null) return false;
  return String(actual) === String(expected);
}

function toNumber(value: unknown): number {
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isNaN(number) ? Number.NaN : number;
}
