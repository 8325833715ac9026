import type { IncomingHttpHeaders } from 'node:http';

/** A header of a node:http message by name, as fetch's `Headers.get` gives it (lists joined). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}
