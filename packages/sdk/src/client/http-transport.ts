import { CairnApiError } from './cairn-api-error.js';
import {
  backoffDelayMs,
  defaultRetryPolicy,
  isRetryableStatus,
  type RetryPolicy,
  retryAfterMs,
} from './retry-policy.js';

/** Query parameter values; arrays repeat the key (`?run_id=a&run_id=b`), as MLflow expects. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** One HTTP call the transport makes (and may repeat). */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  query?: Record<string, QueryValue>;
  /** A JSON body; sent with `Content-Type: application/json`. */
  json?: unknown;
  /** A raw body, created afresh for each attempt so that a stream can be sent again. */
  body?: () => NonNullable<RequestInit['body']>;
  contentType?: string;
}

/** Options of the HTTP transport under `CairnClient`. */
export interface HttpTransportOptions {
  retry?: Partial<RetryPolicy>;
  /** Extra headers on every request (authorization). */
  headers?: Record<string, string>;
  /** Time allowed until response headers arrive, per attempt. */
  timeoutMs?: number;
}

/**
 * fetch with MLflow's error mapping and bounded retries: network errors, 408, 429 and 5xx
 * (but 501) are retried with jittered exponential backoff; every other failure is thrown at once
 * as a `CairnApiError`.
 */
export class HttpTransport {
  readonly retryPolicy: RetryPolicy;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: HttpTransportOptions = {}) {
    this.retryPolicy = { ...defaultRetryPolicy, ...options.retry };
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Sends `call` and answers the successful response (its body unread). */
  async send(call: HttpCall): Promise<Response> {
    const url = withQuery(call.url, call.query);
    for (let attempt = 0; ; attempt++) {
      let failure: CairnApiError;
      let waitMs: number | undefined;
      try {
        const response = await this.attempt(call, url);
        if (response.ok) return response;
        failure = await errorFromResponse(response, call.method, url);
        waitMs = retryAfterMs(response.headers.get('retry-after'), this.retryPolicy);
      } catch (error) {
        failure = networkError(error, call.method, url, this.timeoutMs);
      }
      if (!failure.isRetryable || attempt >= this.retryPolicy.maxRetries) throw failure;
      await sleep(waitMs ?? backoffDelayMs(attempt + 1, this.retryPolicy));
    }
  }

  /** Sends `call` and parses the JSON answer (an empty body reads as `{}`). */
  async json<T>(call: HttpCall): Promise<T> {
    const response = await this.send(call);
    const text = await response.text();
    return (text.trim() === '' ? {} : JSON.parse(text)) as T;
  }

  private async attempt(call: HttpCall, url: string): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers };
    let body: RequestInit['body'];
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.body) {
      headers['content-type'] = call.contentType ?? 'application/octet-stream';
      body = call.body();
    }
    // The timer bounds the wait for response headers only, so a long download is never cut off;
    // a streamed upload gets none, since its headers only come once every byte has been sent.
    const controller = new AbortController();
    const streamed = body instanceof ReadableStream;
    const timer = streamed ? undefined : setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await fetch(url, {
        method: call.method,
        headers,
        body,
        signal: controller.signal,
        // Required by Node's fetch for a streamed request body.
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit);
    } finally {
      clearTimeout(timer);
    }
  }
}

function withQuery(url: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return url;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, item);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text === '' ? url : `${url}?${text}`;
}

async function errorFromResponse(
  response: Response,
  method: string,
  url: string,
): Promise<CairnApiError> {
  const text = await response.text().catch(() => '');
  let errorCode: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string') errorCode = body.error_code;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not MLflow's JSON error shape (a proxy's HTML page, plain text): keep the status only.
  }
  const status = response.status;
  return new CairnApiError({
    errorCode: errorCode ?? errorCodeForStatus(status),
    httpStatus: status,
    message:
      message ??
      `${method} ${redact(url)} failed with HTTP ${status}${text ? `: ${text.slice(0, 300)}` : ''}`,
    isRetryable: isRetryableStatus(status),
  });
}

function networkError(error: unknown, method: string, url: string, timeoutMs: number) {
  const aborted = error instanceof Error && error.name === 'AbortError';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = aborted
    ? `no answer within ${timeoutMs} ms`
    : cause instanceof Error
      ? cause.message
      : String(cause);
  return new CairnApiError({
    errorCode: aborted ? 'DEADLINE_EXCEEDED' : 'TEMPORARILY_UNAVAILABLE',
    httpStatus: 0,
    message: `${method} ${redact(url)} failed: ${reason}`,
    isRetryable: true,
    cause: error,
  });
}

function errorCodeForStatus(status: number): string {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404) return 'ENDPOINT_NOT_FOUND';
  if (status === 408 || status === 504) return 'DEADLINE_EXCEEDED';
  if (status === 409) return 'RESOURCE_CONFLICT';
  if (status === 429) return 'REQUEST_LIMIT_EXCEEDED';
  if (status === 501) return 'NOT_IMPLEMENTED';
  if (status === 503) return 'TEMPORARILY_UNAVAILABLE';
  return 'INTERNAL_ERROR';
}

// Query strings never carry secrets here, but keep messages short and free of them anyway.
function redact(url: string): string {
  return url.split('?')[0] ?? url;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
