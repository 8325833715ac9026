import { invalidParameter } from '../errors.js';

/** An opaque page token holding a row offset, as MLflow's (base64 of `{"offset": N}`). */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** The offset in a token from `encodeOffsetToken`; none means 0; anything else is a 400. */
export function decodeOffsetToken(token: string | undefined): number {
  if (!token) return 0;
  const offset = decodeTokenObject(token).offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter('Invalid page token, could not base64-decode');
  }
  return offset;
}

/** A keyset token: the sort position after which the next page starts. */
export function encodeKeysetToken(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Reads any of these tokens back into its JSON object; malformed tokens are a 400. */
export function decodeTokenObject(token: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw invalidParameter('Invalid page token, could not base64-decode');
}
