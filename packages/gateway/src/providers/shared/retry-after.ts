import type { HeaderReader } from './header-reader.js';

/**
 * How long the provider asked us to wait, in milliseconds: `retry-after-ms` (OpenAI, Azure) wins,
 * then `Retry-After` as delta-seconds or as an HTTP date. Undefined when absent or unparseable.
 */
export function parseRetryAfter(
  headers: HeaderReader,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) {
    return Math.round(Number(milliseconds));
  }
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only an HTTP date (it names a weekday and month) counts; Date.parse takes too much else.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  // A date in the past means "now"; a date we cannot parse means the header is useless.
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
