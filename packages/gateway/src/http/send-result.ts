import type { ServerResponse } from 'node:http';
import { GatewayError } from '../gateway-error.js';
import type { InvokeMeta, InvokeResult } from '../invoke-target.js';
import { jsonText } from '../json-text.js';
import type { Exchange } from './caller.js';

/** Response headers every answer carries: request id, cache status, the gateway's own overhead. */
export function cairnHeaders(meta: InvokeMeta, startedAt: number): Record<string, string> {
  const overhead = Math.max(0, performance.now() - startedAt - meta.upstreamMs);
  const headers: Record<string, string> = {
    'x-cairn-request-id': meta.requestId,
    'x-cairn-overhead-ms': overhead.toFixed(3),
  };
  if (meta.cache) headers['x-cairn-cache'] = meta.cache;
  return headers;
}

/** How stream chunks, the end and an in-band failure are written as server-sent events. */
export interface SseFraming {
  event(chunk: unknown): string;
  end: string;
  error(error: GatewayError): string;
}

/** OpenAI's framing: `data:` lines only, ending with `data: [DONE]`, errors as OpenAI JSON. */
const openAIFraming: SseFraming = {
  event: (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
  end: 'data: [DONE]\n\n',
  error: (error) => `data: ${JSON.stringify(error.toJSON())}\n\n`,
};

/** Sends a JSON result, or streams chunks as server-sent events (OpenAI's framing by default). */
export async function sendResult(
  exchange: Exchange,
  result: InvokeResult,
  transform?: (body: unknown) => unknown,
  framing: SseFraming = openAIFraming,
): Promise<void> {
  exchange.claim?.();
  const response = exchange.response;
  const headers: Record<string, string | number> = cairnHeaders(result.meta, exchange.startedAt);
  if (result.kind === 'json') {
    // The upstream's own bytes when the body passes through unchanged (no second serialisation).
    // Encoded once: a string would be measured, then encoded again on write.
    const bytes = Buffer.from(jsonText(transform ? transform(result.body) : result.body));
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = bytes.length;
    response.writeHead(200, headers).end(bytes);
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const iterator = result.chunks[Symbol.asyncIterator]();
  let first = true;
  try {
    while (true) {
      const next = await iterator.next();
      if (next.done) break;
      if (response.destroyed) break;
      // Each chunk is written as it arrives; waits only when the socket is full.
      if (!response.write(framing.event(next.value))) await drained(response);
      // Node corks chunked writes until the next tick; chunks already buffered upstream would all
      // wait for the last one. Let the first go out at once (time to first token).
      else if (first) await new Promise((resolve) => process.nextTick(resolve));
      first = false;
    }
    if (!response.destroyed) response.end(framing.end);
  } catch (error) {
    const gatewayError =
      error instanceof GatewayError
        ? error
        : new GatewayError(502, 'The upstream stream failed.', 'api_error', 'upstream_error');
    // Headers are gone: report the failure in-band, as OpenAI does, then close.
    if (!response.destroyed) response.end(framing.error(gatewayError));
  } finally {
    await iterator.return?.();
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
