import { invalidParameter } from '../errors.js';

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;
const maxTokenLength = 200;

/** Encodes a row offset as MLflow does: base64 of the JSON `{"offset": N}`. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }).replace(':', ': ')).toString('base64');
}

/** Reads the offset from a page token; no token means 0. Malformed tokens are INVALID_PARAMETER_VALUE. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  if (token.length > maxTokenLength || token.length % 4 !== 0 || !base64Pattern.test(token))
    throw invalidParameter('Invalid page token, could not base64-decode');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    throw invalidParameter(`Invalid page token, decoded value=${decoded}`);
  }
  const offset =
    parsed !== null && typeof parsed === 'object'
      ? (parsed as { offset?: unknown }).offset
      : undefined;
  const number = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0)
    throw invalidParameter(`Invalid page token, parsed value=${decoded}`);
  return number;
}
