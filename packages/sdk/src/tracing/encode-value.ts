/**
 * JSON text of any value, never throwing: cycles become "[Circular]", bigints decimal text,
 * functions and symbols their description, errors their name and message. MLflow stores every
 * span attribute as JSON text, so this is how attribute values travel.
 */
export function encodeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return JSON.stringify(value);
  }
  try {
    const text = JSON.stringify(value, safeReplacer());
    return text === undefined ? 'null' : text;
  } catch (error) {
    // A toJSON that throws, a getter that throws: keep what can be said about the value.
    return JSON.stringify(`[unserializable: ${(error as Error)?.message ?? String(error)}]`);
  }
}

function safeReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function replace(this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
    if (typeof value === 'symbol') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`; drop ancestors that are no longer on the path.
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    let result: object = value;
    if (value instanceof Error) result = { name: value.name, message: value.message };
    else if (value instanceof Map) result = Object.fromEntries(value);
    else if (value instanceof Set) result = [...value];
    ancestors.push(result);
    return result;
  };
}
