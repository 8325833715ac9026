import { randomFillSync } from 'node:crypto';

// Random bytes are drawn in blocks so that an id costs a slice and a hex conversion, not a
// system call: span creation sits on the application's hot path.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  // OpenTelemetry forbids all-zero ids; the odds are 2^-64 at worst, but the fix is one compare.
  return /^0+$/.test(hex) ? randomHex(bytes) : hex;
}

/** A new OpenTelemetry trace id: 16 random bytes as 32 lower-case hex digits. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new OpenTelemetry span id: 8 random bytes as 16 lower-case hex digits. */
export function newSpanId(): string {
  return randomHex(8);
}

/** The MLflow trace id (`tr-<32 hex>`) of an OpenTelemetry trace id, as the server names traces. */
export function mlflowTraceId(otelTraceId: string): string {
  return `tr-${otelTraceId}`;
}
