import { GatewayError } from './gateway-error.js';
import { ProviderError } from './providers/provider.js';

/** Removes every configured secret from a message (a provider may echo a key back). */
export function scrubSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets)
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  // Bearer tokens and key-looking strings that were not in the config (e.g. rotated upstream).
  return out.replace(/\b(sk|ck)-[A-Za-z0-9_-]{12,}/g, '$1-[redacted]');
}

/**
 * The client-facing error for a failed upstream call. The request's own mistakes (400, 413, 422)
 * keep their status; a provider rejecting the gateway's credentials is the gateway's problem
 * (502), not the client's; timeouts are 504; exhausted 429s stay 429 with Retry-After.
 */
export function toClientError(error: unknown, secrets: readonly string[]): GatewayError {
  if (error instanceof GatewayError) {
    return error.status >= 500 || error.code === 'client_closed'
      ? new GatewayError(
          error.status,
          scrubSecrets(error.message, secrets),
          error.type,
          error.code,
          error.retryAfterMs,
        )
      : error;
  }
  if (error instanceof ProviderError) {
    const message = scrubSecrets(error.message, secrets);
    const from = `Upstream provider ${error.providerId}`;
    if (error.status === 400 || error.status === 413 || error.status === 422) {
      return new GatewayError(
        error.status,
        `${from} rejected the request: ${message}`,
        'invalid_request_error',
        'upstream_bad_request',
      );
    }
    if (error.status === 429) {
      return new GatewayError(
        429,
        `${from} is rate limiting: ${message}`,
        'rate_limit_error',
        'upstream_rate_limited',
        error.retryAfterMs,
      );
    }
    if (error.status === 504 || error.status === 408) {
      return new GatewayError(
        504,
        `${from} timed out: ${message}`,
        'timeout_error',
        'upstream_timeout',
      );
    }
    if (error.status === 401 || error.status === 403) {
      return new GatewayError(
        502,
        `${from} refused the gateway's credentials: ${message}`,
        'api_error',
        'upstream_auth_failed',
      );
    }
    return new GatewayError(502, `${from} failed: ${message}`, 'api_error', 'upstream_error');
  }
  return new GatewayError(500, 'Internal gateway error.', 'api_error', 'internal_error');
}
