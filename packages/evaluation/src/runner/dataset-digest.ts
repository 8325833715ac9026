/**
 * Content digests of evaluation data, so a run records exactly which rows it saw: the same rows
 * in the same order always give the same digest, on the client and on the server.
 */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so key order never changes a digest. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** The sha256 (hex) of one record's canonical JSON. */
export function recordHash(record: unknown): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/**
 * The digest of a sequence of record hashes: 16 hex digits of the sha256 over them in order.
 *
 * @example digestOfHashes(rows.map(recordHash))
 */
export function digestOfHashes(hashes: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const item of hashes) hash.update(item).update('\n');
  return hash.digest('hex').slice(0, 16);
}

/** The digest of rows (what `evaluate()` logs as the dataset's digest). */
export function datasetDigest(rows: readonly unknown[]): string {
  return digestOfHashes(rows.map(recordHash));
}
