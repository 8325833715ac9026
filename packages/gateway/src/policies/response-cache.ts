import { createHash } from 'node:crypto';

/** Body fields that do not change what a model answers, left out of the cache key. */
const ignoredFields = new Set(['user', 'metadata', 'stream_options']);

/**
 * The exact-match cache key of a request: SHA-256 over the route, the call kind and the body
 * with keys sorted (so field order does not matter) minus fields that do not affect the answer.
 */
export function cacheKey(route: string, kind: string, body: Record<string, unknown>): string {
  const hash = createHash('sha256');
  hash.update(route);
  hash.update('\u0000');
  hash.update(kind);
  hash.update('\u0000');
  hash.update(canonicalJson(body, true));
  return hash.digest('base64url');
}

function canonicalJson(value: unknown, topLevel = false): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((key) => !(topLevel && ignoredFields.has(key)))
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** How a request's `Cache-Control` header treats the cache. */
export function cacheDirective(header: string | string[] | undefined): 'use' | 'refresh' | 'skip' {
  if (header === undefined) return 'use';
  const value = (Array.isArray(header) ? header.join(',') : header).toLowerCase();
  if (value.includes('no-store')) return 'skip';
  if (value.includes('no-cache')) return 'refresh';
  return 'use';
}
