import type { ConfigPath, ConfigReader } from './config-reader.js';

const wholeReference = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const embeddedReference = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
/** Keys whose values are secrets even when written inline. */
const secretKey = /key|secret|token|password|credential/i;

/**
 * Replaces `$NAME` (a whole value) and `${NAME}` (inside a value) with environment variables,
 * reporting unset ones by line and field. Returns the resolved copy and every value that must
 * never appear in a log or error: resolved references and inline values of secret-looking keys.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Record<string, string | undefined>,
  reader: ConfigReader,
  ignoreMissing = false,
): { value: unknown; secrets: string[] } {
  const secrets = new Set<string>();
  const walk = (node: unknown, path: ConfigPath): unknown => {
    if (typeof node === 'string') {
      const resolved = resolveString(node, env, reader, path, secrets, ignoreMissing);
      const key = path[path.length - 1];
      if (typeof key === 'string' && secretKey.test(key) && resolved.length >= 4)
        secrets.add(resolved);
      return resolved;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]),
      );
    }
    return node;
  };
  const resolved = walk(value, []);
  return { value: resolved, secrets: [...secrets] };
}

function resolveString(
  text: string,
  env: Record<string, string | undefined>,
  reader: ConfigReader,
  path: ConfigPath,
  secrets: Set<string>,
  ignoreMissing: boolean,
): string {
  const lookup = (name: string): string => {
    const found = env[name];
    if (found === undefined) {
      if (ignoreMissing) return '';
      reader.report(path, `environment variable ${name} is not set`);
      return '';
    }
    if (found.length >= 4) secrets.add(found);
    return found;
  };
  const whole = wholeReference.exec(text);
  if (whole) return lookup(whole[1]!);
  return text.replace(embeddedReference, (_match, name: string) => lookup(name));
}
