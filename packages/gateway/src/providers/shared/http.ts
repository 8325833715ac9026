import { parseJsonKeepingText } from '../../json-text.js';
import { type BufferedAnswer, bufferedPostOf } from '../../transport/buffered-post.js';
import {
  acceptsCancelSignal,
  type CancelSignal,
  toAbortSignal,
} from '../../transport/cancel-signal.js';
import { incomingHeaderReader } from './header-reader.js';
import type { HttpContext } from './http-context.js';
import { invalidResponseError, transportError, upstreamError } from './provider-errors.js';

/** One POST to a provider: the URL and headers are final (signed, if the vendor signs). */
export interface ProviderRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal?: CancelSignal | undefined;
}

/**
 * Sends the request and returns the response once its status is 2xx; any other status, and any
 * transport failure, becomes a ProviderError. The body is left unread for the caller to stream.
 */
export async function send(context: HttpContext, request: ProviderRequest): Promise<Response> {
  let response: Response;
  const signal = request.signal;
  try {
    response = await context.fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // Cairn's own fetch takes the cheap CallSignal; any other gets a real AbortSignal.
      signal:
        ((acceptsCancelSignal in context.fetch ? signal : toAbortSignal(signal)) as AbortSignal) ??
        null,
    });
  } catch (error) {
    throw transportError(context, error, request.signal);
  }
  if (!response.ok) {
    // A body that fails mid-read still yields an error with the status; the detail is optional.
    const text = await response.text().catch(() => '');
    throw upstreamError(context, response, text);
  }
  return response;
}

/** Sends the request and parses the JSON answer; garbage becomes a retryable 502 ProviderError. */
export async function postJson<T>(context: HttpContext, request: ProviderRequest): Promise<T> {
  let text: string;
  const post = bufferedPostOf(context.fetch);
  if (post) {
    let answer: BufferedAnswer;
    try {
      answer = await post(request.url, request.headers, request.body, request.signal);
    } catch (error) {
      throw transportError(context, error, request.signal);
    }
    if (answer.status < 200 || answer.status >= 300) {
      const status = { ...answer, headers: incomingHeaderReader(answer.headers) };
      throw upstreamError(context, status, answer.text);
    }
    text = answer.text;
  } else {
    const response = await send(context, request);
    try {
      text = await response.text();
    } catch (error) {
      throw transportError(context, error, request.signal);
    }
  }
  try {
    return parseJsonKeepingText(text) as T;
  } catch (error) {
    throw invalidResponseError(context, 'returned a body that is not JSON', error);
  }
}

/**
 * The response body as it arrives, chunk by chunk. Read failures become ProviderErrors; leaving
 * the loop early cancels the body so the connection is released.
 */
export async function* readBody(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
): AsyncGenerator<Uint8Array> {
  if (!response.body) throw invalidResponseError(context, 'returned no body to stream');
  const reader = response.body.getReader();
  let finished = false;
  try {
    while (true) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        finished = true;
        throw transportError(context, error, signal);
      }
      if (result.done) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}
