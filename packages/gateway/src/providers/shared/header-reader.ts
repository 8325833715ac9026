import type { IncomingHttpHeaders } from 'node:http';

/** Reading one response header by name: what error mapping needs of a fetch `Headers`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A HeaderReader over node:http's header object (names already lower-cased). */
export function incomingHeaderReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
