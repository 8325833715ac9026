import type { RetryConfig } from '../config/gateway-config.js';
import { GatewayError } from '../gateway-error.js';
import { ProviderError } from '../providers/provider.js';
import type { CancelSignal } from '../transport/cancel-signal.js';
import { type AttemptDeadline, Deadline } from './attempt-deadline.js';
import type { RouteTarget } from './route-target.js';

/** What routing did for one call, for logs and the overhead header. */
export interface RoutingOutcome {
  target?: RouteTarget;
  retries: number;
  /** Targets given up on before the one that answered. */
  fallbacks: number;
  /** Time spent waiting on providers and backoff, in ms. */
  upstreamMs: number;
}

/** Statuses that are the request's fault: another target would refuse it too. */
const clientFaults = new Set([400, 413, 422]);

/**
 * Tries `order`'s targets in turn: each gets `1 + retry.attempts` tries on retryable failures,
 * with exponential backoff that honours the provider's Retry-After; targets whose circuit is open
 * are skipped; a request the provider calls malformed stops at once.
 */
export async function callWithRouting<T>(
  order: RouteTarget[],
  retry: RetryConfig,
  attempt: (target: RouteTarget, deadline: AttemptDeadline) => Promise<T>,
  outcome: RoutingOutcome,
  clientSignal?: CancelSignal,
): Promise<T> {
  let lastError: ProviderError | undefined;
  let openRetryAfterMs = Number.POSITIVE_INFINITY;
  let tried = 0;
  for (const target of order) {
    if (target.breaker && !target.breaker.tryAcquire()) {
      openRetryAfterMs = Math.min(openRetryAfterMs, target.breaker.retryAfterMs());
      continue;
    }
    if (tried++ > 0) outcome.fallbacks++;
    for (let attemptIndex = 0; ; attemptIndex++) {
      const started = performance.now();
      const deadline = new Deadline(target.config.timeoutMs, clientSignal);
      try {
        const result = await attempt(target, deadline);
        deadline.settle();
        const elapsed = performance.now() - started;
        outcome.upstreamMs += elapsed;
        outcome.target = target;
        target.recordLatency(elapsed);
        target.breaker?.onSuccess();
        return result;
      } catch (error) {
        deadline.clear();
        outcome.upstreamMs += performance.now() - started;
        outcome.target = target;
        if (clientSignal?.aborted)
          throw new GatewayError(499, 'Client closed the request.', 'api_error', 'client_closed');
        const failure = asProviderError(error, target, deadline.timedOut);
        lastError = failure;
        if (clientFaults.has(failure.status)) {
          target.breaker?.onSuccess();
          throw failure;
        }
        target.breaker?.onFailure();
        if (!failure.isRetryable || attemptIndex >= retry.attempts) break;
        if (target.breaker && target.breaker.state === 'open') break;
        const retryAfter = failure.retryAfterMs ?? 0;
        if (retryAfter > retry.maxRetryAfterMs) break;
        const wait = Math.max(
          retryAfter,
          Math.min(retry.backoffMs * 2 ** attemptIndex, retry.maxBackoffMs),
        );
        outcome.retries++;
        const slept = performance.now();
        await sleep(wait, clientSignal);
        outcome.upstreamMs += performance.now() - slept;
        if (clientSignal?.aborted)
          throw new GatewayError(499, 'Client closed the request.', 'api_error', 'client_closed');
      }
    }
  }
  if (lastError) throw lastError;
  throw new GatewayError(
    503,
    'Every target of this route is cooling down after repeated failures (circuit open); try again later.',
    'api_error',
    'circuit_open',
    Number.isFinite(openRetryAfterMs) ? openRetryAfterMs : undefined,
  );
}

function asProviderError(error: unknown, target: RouteTarget, timedOut: boolean): ProviderError {
  const providerId = target.provider.id;
  if (timedOut) {
    return new ProviderError(
      providerId,
      `${target.name} timed out after ${target.config.timeoutMs} ms`,
      {
        status: 504,
        isRetryable: true,
        cause: error,
      },
    );
  }
  if (error instanceof ProviderError) return error;
  if (error instanceof GatewayError) {
    return new ProviderError(providerId, error.message, { status: error.status, cause: error });
  }
  return new ProviderError(
    providerId,
    `${target.name} failed: ${(error as Error)?.message ?? String(error)}`,
    {
      status: 502,
      isRetryable: true,
      cause: error,
    },
  );
}

function sleep(ms: number, signal?: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
