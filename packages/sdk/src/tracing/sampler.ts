/**
 * Whether a trace is kept at `ratio` (0..1), decided from its id alone so that every process
 * sampling the same trace id agrees: the id's last 8 hex digits, read as an unsigned 32-bit
 * number, are compared with ratio × 2^32.
 */
export function isSampled(traceId: string, ratio: number): boolean {
  if (!(ratio < 1)) return true;
  if (!(ratio > 0)) return false;
  const low = Number.parseInt(traceId.slice(-8), 16);
  return low < Math.floor(ratio * 0x1_0000_0000);
}
