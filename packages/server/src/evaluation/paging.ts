import { invalidParameter } from '../errors.js';
import type { RequestFields } from '../http/request-fields.js';

/** `max_results`, defaulted and bounded; out-of-range values are the client's mistake. */
export function maxResultsOf(fields: RequestFields, defaultValue: number, limit: number): number {
  const value = fields.optionalInteger('max_results') ?? defaultValue;
  if (value < 1 || value > limit) {
    throw invalidParameter(
      `Invalid value ${value} for parameter 'max_results': must be between 1 and ${limit}.`,
    );
  }
  return value;
}

/** An opaque page token holding an offset. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

/** The offset a page token holds (0 without one); a forged token is INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = (
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }
    ).offset;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Fall through to the error below.
  }
  throw invalidParameter(`Invalid page token '${token}'.`);
}
