/**
 * JSON texts remembered for the objects parsed from them, so a request or an upstream answer
 * that the gateway passes on unchanged is written out as the bytes that came in instead of
 * being serialised again (for the client, the cache and the call log). Only values nobody
 * mutates are registered: the parsed client body and a provider's parsed answer; anything the
 * gateway changes is a new object (guardrails, translations) and is serialised as usual.
 */
const textKey = Symbol('jsonText');

/**
 * JSON.parse that remembers the text on the parsed object or array, as a non-enumerable symbol
 * property: spreads, Object.keys and JSON.stringify do not see it, so a copy never inherits it.
 * (A WeakMap did the same at twice the cost: its entries make every young collection slower.)
 */
export function parseJsonKeepingText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (value !== null && typeof value === 'object')
    Object.defineProperty(value, textKey, { value: text });
  return value;
}

/** The JSON text of `value`: the text it was parsed from when known, else JSON.stringify. */
export function jsonText(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const text = (value as { [textKey]?: string })[textKey];
    if (text !== undefined) return text;
  }
  return JSON.stringify(value);
}
