/** OpenAI's error `type` values, by the situations the gateway meets. */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'budget_exceeded'
  | 'guardrail_violation'
  | 'api_error'
  | 'timeout_error';

/**
 * An error the gateway answers with: an HTTP status and OpenAI's error JSON
 * `{"error":{"message","type","code"}}`, plus `Retry-After` when waiting helps.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: GatewayErrorType,
    readonly code: string | null = null,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** The response body. */
  toJSON(): { error: { message: string; type: string; code: string | null; param: null } } {
    return { error: { message: this.message, type: this.type, code: this.code, param: null } };
  }
}
