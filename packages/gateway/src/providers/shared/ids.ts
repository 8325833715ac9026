import { randomBytes } from 'node:crypto';

/** A fresh OpenAI-looking id (`chatcmpl-…`, `call_…`) for vendors that send none. */
export function generateId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('base64url')}`;
}

/** Unix time in seconds, OpenAI's `created`. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
