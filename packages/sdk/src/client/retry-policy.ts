/** How transient failures are retried: exponential backoff with full jitter, bounded. */
export interface RetryPolicy {
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). */
  maxRetries: number;
  /** Backoff before the first retry; doubles (times `backoffFactor`) each retry. */
  initialDelayMs: number;
  backoffFactor: number;
  /** Cap on one wait, also on a server's `Retry-After`. */
  maxDelayMs: number;
}

/** Like MLflow's Python client: several retries over roughly half a minute at most. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 500,
  backoffFactor: 2,
  maxDelayMs: 10_000,
};

/** HTTP statuses worth retrying: timeouts, rate limits and server-side failures except 501. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Wait before retry number `retry` (1-based): a uniformly random time in
 * [base/2, base] with base = initial × factor^(retry−1), capped, so clients that failed
 * together do not retry in lockstep.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.backoffFactor ** Math.max(0, retry - 1),
  );
  return Math.round(base / 2 + (random() * base) / 2);
}

/** A `Retry-After` header (seconds or an HTTP date) as milliseconds, capped; undefined if absent or bad. */
export function retryAfterMs(
  header: string | null,
  policy: RetryPolicy,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, policy.maxDelayMs);
}
