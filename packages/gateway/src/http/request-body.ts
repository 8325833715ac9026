import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../gateway-error.js';
import { parseJsonKeepingText } from '../json-text.js';
import { BodyChunks } from '../transport/body-chunks.js';
import { bodyTooLarge } from './errors.js';

/** Parses a request body that must be a JSON object; 400 otherwise. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseJsonKeepingText(text);
  } catch {
    throw new GatewayError(
      400,
      'The request body is not valid JSON.',
      'invalid_request_error',
      'invalid_json',
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError(
      400,
      'The request body must be a JSON object.',
      'invalid_request_error',
      'invalid_body',
    );
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads a raw request's body as a JSON object, at most `limit` bytes, and calls `done` once: with
 * the body, or with the 400/413 to answer. A request whose client goes away never calls `done`.
 */
export function readJsonBody(
  request: IncomingMessage,
  limit: number,
  done: (error: GatewayError | undefined, body?: Record<string, unknown>) => void,
): void {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    // Node discards the unread body once the answer is sent.
    done(bodyTooLarge());
    return;
  }
  const chunks = new BodyChunks();
  const onData = (chunk: Buffer) => {
    chunks.add(chunk);
    if (chunks.size > limit) {
      request.off('data', onData);
      request.off('end', onEnd);
      request.resume();
      done(bodyTooLarge());
    }
  };
  const onEnd = () => {
    let body: Record<string, unknown>;
    try {
      body = parseJsonObject(chunks.text());
    } catch (error) {
      done(error as GatewayError);
      return;
    }
    done(undefined, body);
  };
  request.on('data', onData);
  request.on('end', onEnd);
}
