import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isRetryableStatus,
  type RetryPolicy,
  retryAfterMs,
} from './retry-policy.js';

const policy: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 100,
  backoffFactor: 2,
  maxDelayMs: 1000,
};

describe('retry policy', () => {
  it('retries timeouts, rate limits and server failures, never client errors or 501', () => {
    for (const status of [408, 429, 500, 502, 503, 504])
      expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413, 501])
      expect(isRetryableStatus(status)).toBe(false);
  });

  it('backs off exponentially with jitter in [base/2, base], capped', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
  });

  it('reads Retry-After as seconds or a date, capped', () => {
    expect(retryAfterMs('0.2', policy)).toBe(200);
    expect(retryAfterMs('120', policy)).toBe(1000);
    expect(retryAfterMs(new Date(10_500).toUTCString(), policy, 10_000)).toBe(0);
    expect(retryAfterMs(null, policy)).toBeUndefined();
    expect(retryAfterMs('soon', policy)).toBeUndefined();
  });
});
