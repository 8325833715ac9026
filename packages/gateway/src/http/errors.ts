import type { ServerResponse } from 'node:http';
import type { FastifyError, FastifyReply } from 'fastify';
import { GatewayError } from '../gateway-error.js';
import { scrubSecrets } from '../upstream-error.js';

/** Renders a GatewayError as the response body: OpenAI's error JSON unless an endpoint says otherwise. */
export type ErrorRenderer = (error: GatewayError) => unknown;

const openAIError: ErrorRenderer = (error) => error.toJSON();

/** The request body is over the configured limit (413). */
export function bodyTooLarge(): GatewayError {
  return new GatewayError(
    413,
    'The request body is too large.',
    'invalid_request_error',
    'body_too_large',
  );
}

/**
 * Any error as the GatewayError the client gets: the right status, secrets scrubbed, and no
 * internals for a failure of our own (500).
 */
export function gatewayErrorOf(
  error: FastifyError | GatewayError | Error,
  secrets: readonly string[],
): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = (error as FastifyError).statusCode ?? 500;
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return bodyTooLarge();
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new GatewayError(
      415,
      'Send the request body as application/json.',
      'invalid_request_error',
      'unsupported_media_type',
    );
  }
  if (status >= 400 && status < 500) {
    return new GatewayError(
      status,
      scrubSecrets(error.message, secrets),
      'invalid_request_error',
      code ?? null,
    );
  }
  return new GatewayError(500, 'Internal gateway error.', 'api_error', 'internal_error');
}

/** `Retry-After` in whole seconds (at least 1), when waiting helps. */
function retryAfter(error: GatewayError): string | undefined {
  const ms = error.retryAfterMs;
  return ms === undefined ? undefined : String(Math.max(1, Math.ceil(ms / 1000)));
}

/** Answers a Fastify request with the error. */
export function sendError(
  reply: FastifyReply,
  error: FastifyError | GatewayError | Error,
  secrets: readonly string[],
  render: ErrorRenderer = openAIError,
): FastifyReply {
  const gatewayError = gatewayErrorOf(error, secrets);
  const wait = retryAfter(gatewayError);
  if (wait !== undefined) reply.header('retry-after', wait);
  // 499 is nginx's "client closed request": nobody reads it, but keep it out of 5xx counts.
  return reply.status(gatewayError.status).send(render(gatewayError));
}

/** Answers a raw node:http request with the error (or cuts it off when an answer was under way). */
export function writeError(
  response: ServerResponse,
  error: GatewayError | Error,
  secrets: readonly string[],
  render: ErrorRenderer = openAIError,
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const gatewayError = gatewayErrorOf(error, secrets);
  const text = JSON.stringify(render(gatewayError));
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  };
  const wait = retryAfter(gatewayError);
  if (wait !== undefined) headers['retry-after'] = wait;
  response.writeHead(gatewayError.status, headers).end(text);
}
