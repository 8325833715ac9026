import type { ConfigPath, ConfigReader } from './config-reader.js';

/** Typed field readers that report problems (with the field's line) instead of throwing. */
export class ConfigFields {
  constructor(private readonly reader: ConfigReader) {}

  /** The value as a plain object, or undefined (reported) when it is something else. */
  map(value: unknown, path: ConfigPath, required = false): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (required) this.reader.report(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.reader.report(path, 'must be a mapping');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  list(value: unknown, path: ConfigPath): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.reader.report(path, 'must be a list');
      return undefined;
    }
    return value;
  }

  string(
    parent: Record<string, unknown>,
    key: string,
    path: ConfigPath,
    required = false,
  ): string | undefined {
    const value = parent[key];
    if (value === undefined || value === null) {
      if (required) this.reader.report([...path, key], 'is required');
      return undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string' || value === '') {
      this.reader.report([...path, key], 'must be a non-empty string');
      return undefined;
    }
    return value;
  }

  number(
    parent: Record<string, unknown>,
    key: string,
    path: ConfigPath,
    options: { min?: number; integer?: boolean; max?: number } = {},
  ): number | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    const min = options.min ?? 0;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      (options.max !== undefined && value > options.max) ||
      (options.integer && !Number.isInteger(value))
    ) {
      const kind = options.integer ? 'an integer' : 'a number';
      const range = options.max !== undefined ? ` between ${min} and ${options.max}` : ` ≥ ${min}`;
      this.reader.report([...path, key], `must be ${kind}${range}`);
      return undefined;
    }
    return value;
  }

  boolean(parent: Record<string, unknown>, key: string, path: ConfigPath): boolean | undefined {
    const value = parent[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.reader.report([...path, key], 'must be true or false');
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(
    parent: Record<string, unknown>,
    key: string,
    path: ConfigPath,
    allowed: readonly T[],
  ): T | undefined {
    const value = this.string(parent, key, path);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.reader.report([...path, key], `must be one of ${allowed.join(', ')} (got '${value}')`);
      return undefined;
    }
    return value as T;
  }

  /** Reports keys the schema does not know, which are almost always typos. */
  known(parent: Record<string, unknown>, path: ConfigPath, allowed: readonly string[]): void {
    for (const key of Object.keys(parent)) {
      if (!allowed.includes(key)) {
        this.reader.report([...path, key], `unknown field (expected one of ${allowed.join(', ')})`);
      }
    }
  }

  /** A regular expression written as `/pattern/flags` or as a bare pattern. */
  regex(value: unknown, path: ConfigPath): RegExp | undefined {
    if (typeof value !== 'string' || value === '') {
      this.reader.report(path, 'must be a regular expression string');
      return undefined;
    }
    const literal = /^\/(.*)\/([a-z]*)$/s.exec(value);
    try {
      return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(value);
    } catch (error) {
      this.reader.report(path, `is not a valid regular expression (${(error as Error).message})`);
      return undefined;
    }
  }
}
