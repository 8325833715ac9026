import type { CancelSignal } from '../../transport/cancel-signal.js';
import { readBody } from './http.js';
import type { HttpContext } from './http-context.js';
import { type SseEvent, SseParser } from './sse-parser.js';

/** The server-sent events of a streaming response, each yielded as soon as its bytes arrive. */
export async function* readSse(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const bytes of readBody(context, response, signal)) {
    yield* parser.push(decoder.decode(bytes, { stream: true }));
  }
  yield* parser.push(decoder.decode());
}
