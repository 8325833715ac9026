import type { IncomingHttpHeaders } from 'node:http';

/** A header by name from a lower-cased header object, as fetch's `Headers.get` gives it (lists joined). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}
