import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import type { HeaderReader } from './header-reader.js';
import type { HttpContext } from './http-context.js';
import { redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';

/** Longest vendor message we quote; error pages can be huge HTML documents. */
const MAX_MESSAGE_LENGTH = 500;

/** The parts of a non-2xx answer an error is built from (a fetch Response has them). */
export interface UpstreamStatus {
  status: number;
  statusText: string;
  headers: HeaderReader;
}

/** Builds the ProviderError for a non-2xx upstream answer from its status, headers and body text. */
export function upstreamError(
  context: HttpContext,
  response: UpstreamStatus,
  body: string,
): ProviderError {
  const detail = describeErrorBody(body, response.headers) || response.statusText || 'no detail';
  const retryAfterMs = parseRetryAfter(response.headers);
  return new ProviderError(
    context.providerId,
    redact(`${context.providerId} returned HTTP ${response.status}: ${detail}`, context.secrets),
    { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

/** Finds the human message in any vendor's error body (OpenAI, Anthropic, Gemini, Cohere, AWS). */
export function describeErrorBody(body: string, headers?: HeaderReader): string {
  const awsType = headers?.get('x-amzn-errortype')?.split(':')[0];
  let message: string | undefined;
  try {
    message = messageOf(JSON.parse(body) as unknown);
  } catch {
    // Not JSON: quote the text itself (an HTML error page, a proxy's plain-text complaint).
    message = body.replace(/\s+/g, ' ').trim() || undefined;
  }
  const text = [awsType, message].filter(Boolean).join(': ');
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  // {error: {message}} (OpenAI, Anthropic, Gemini), {message} (Cohere, AWS), {detail} (FastAPI).
  for (const key of ['error', 'message', 'Message', 'detail']) {
    const found = messageOf(record[key]);
    if (found) {
      const type = typeof record.type === 'string' && record.type !== 'error' ? record.type : '';
      return type && key === 'message' ? `${type}: ${found}` : found;
    }
  }
  return undefined;
}

/**
 * Maps a failure to reach or read from the provider (refused connection, reset socket, timeout,
 * the caller's CancelSignal) to a retryable ProviderError: 504 for timeouts and aborts, 502 else.
 */
export function transportError(
  context: HttpContext,
  error: unknown,
  signal: CancelSignal | undefined,
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) {
    const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
    const what = timedOut ? 'timed out' : 'was aborted';
    return new ProviderError(context.providerId, `${context.providerId} request ${what}`, {
      status: 504,
      cause: error,
    });
  }
  const code = errorCode(error);
  const timeout = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new ProviderError(
    context.providerId,
    redact(`${context.providerId} network error: ${reason}`, context.secrets),
    { status: timeout ? 504 : 502, isRetryable: true, cause: error },
  );
}

/** An upstream answer we cannot understand (not JSON, wrong shape, truncated stream). */
export function invalidResponseError(context: HttpContext, what: string, cause?: unknown) {
  return new ProviderError(context.providerId, `${context.providerId} ${what}`, {
    status: 502,
    isRetryable: true,
    cause,
  });
}

function errorCode(error: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
