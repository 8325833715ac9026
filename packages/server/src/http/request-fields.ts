import { invalidParameter } from '../errors.js';
import type { RequestInput } from './mlflow-route.js';

const apiDocsHint = 'See the API docs for more information about request parameters.';

/** The error MLflow answers when a required field is absent, null or empty. */
export function missingParameter(name: string): Error {
  return invalidParameter(`Missing value for required parameter '${name}'. ${apiDocsHint}`);
}

/** The error MLflow answers when a field has the wrong type. */
export function invalidParameterType(name: string, value: unknown, expected: string): Error {
  return invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied: Hint: Value was of type '${jsTypeName(value)}', expected ${expected}. ${apiDocsHint}`,
  );
}

function jsTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'dict' : typeof value;
}

/**
 * Typed, validated access to a request's fields with MLflow's messages. Query strings carry
 * everything as text, so numbers and booleans are accepted as strings too, as protobuf's JSON
 * parser does.
 */
export class RequestFields {
  constructor(
    private readonly input: RequestInput,
    private readonly prefix = '',
  ) {}

  /** True when the field is present and not null. */
  has(name: string): boolean {
    return this.input[name] !== undefined && this.input[name] !== null;
  }

  /** A required string: present, a string, not empty. */
  requiredString(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw missingParameter(this.prefix + name);
    return value;
  }

  /** An optional string; a number is accepted and turned into text. */
  optionalString(name: string): string | undefined {
    const value = this.single(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw invalidParameterType(this.prefix + name, value, 'a string');
  }

  /** An optional 64-bit integer, as a JSON number or a decimal string. */
  optionalInteger(name: string): number | undefined {
    const value = this.single(name);
    if (value === undefined || value === null || value === '') return undefined;
    const number =
      typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
      throw invalidParameterType(this.prefix + name, value, 'an integer');
    }
    return number;
  }

  /** A required 64-bit integer. */
  requiredInteger(name: string): number {
    const value = this.optionalInteger(name);
    if (value === undefined) throw missingParameter(this.prefix + name);
    return value;
  }

  /** A required double; accepts numbers and the strings "NaN", "Infinity", "-Infinity" and decimals. */
  requiredDouble(name: string): number {
    const value = this.single(name);
    if (value === undefined || value === null || value === '')
      throw missingParameter(this.prefix + name);
    if (typeof value === 'number') return value;
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (trimmed === 'NaN') return Number.NaN;
      if (trimmed === 'Infinity' || trimmed === 'inf') return Number.POSITIVE_INFINITY;
      if (trimmed === '-Infinity' || trimmed === '-inf') return Number.NEGATIVE_INFINITY;
      if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
    }
    throw invalidParameterType(this.prefix + name, value, 'a number');
  }

  /** An optional boolean: JSON true/false or the text "true"/"false" in any case. */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.single(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value))
      return value.toLowerCase() === 'true';
    throw invalidParameterType(this.prefix + name, value, 'a boolean');
  }

  /** A repeated string field; one query-string value becomes a list of one. */
  stringList(name: string): string[] {
    const value = this.input[name];
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number') return String(item);
      throw invalidParameterType(this.prefix + name, value, 'a list of strings');
    });
  }

  /** A repeated message field, each element read through its own RequestFields. */
  objectList(name: string): RequestFields[] {
    const value = this.input[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw invalidParameterType(this.prefix + name, value, 'a list');
    return value.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw invalidParameterType(`${this.prefix}${name}[${index}]`, item, 'an object');
      }
      return new RequestFields(item as RequestInput, `${this.prefix}${name}[${index}].`);
    });
  }

  /** A nested message field. */
  optionalObject(name: string): RequestFields | undefined {
    const value = this.input[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParameterType(this.prefix + name, value, 'an object');
    }
    return new RequestFields(value as RequestInput, `${this.prefix}${name}.`);
  }

  private single(name: string): unknown {
    const value = this.input[name];
    // A query string may repeat a scalar key; protobuf takes the last one.
    return Array.isArray(value) && this.prefix === '' && typeof value[0] !== 'object'
      ? value.at(-1)
      : value;
  }
}
