import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from '../../transport/header-value.js';

/** Reading one response header by name: what error mapping needs of a fetch `Headers`. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** A HeaderReader over a lower-cased header object (node:http's or undici's). */
export function incomingHeaderReader(headers: IncomingHttpHeaders): HeaderReader {
  return { get: (name) => headerValue(headers, name) };
}
