import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import type { HttpContext } from '../shared/http-context.js';
import { parseEventJson } from '../shared/parse-json.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { readSse } from '../shared/read-sse.js';
import { redact } from '../shared/redact.js';

interface OpenAIStreamEvent {
  choices?: { finish_reason?: string | null }[];
  error?: { message?: string; code?: number | string };
}

/**
 * Yields each `data:` chunk of an OpenAI-style stream as it arrives, until `[DONE]`. An error
 * event (OpenRouter and vLLM send them mid-stream) or a stream cut before any choice finished
 * becomes a ProviderError.
 */
export async function* readOpenAIStream<T>(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
): AsyncGenerator<T> {
  let finished = false;
  for await (const event of readSse(context, response, signal)) {
    if (event.data === '[DONE]') return;
    const chunk = parseEventJson<T & OpenAIStreamEvent>(context, event.data);
    if (chunk.error) {
      const status = typeof chunk.error.code === 'number' ? chunk.error.code : 502;
      throw new ProviderError(
        context.providerId,
        redact(
          `${context.providerId} stream failed: ${chunk.error.message ?? 'unknown error'}`,
          context.secrets,
        ),
        { status: status >= 400 && status < 600 ? status : 502 },
      );
    }
    if (chunk.choices?.some((choice) => choice.finish_reason)) finished = true;
    yield chunk as Awaited<T>;
  }
  // Some compatible servers omit [DONE]; a stream whose choices finished is still complete.
  if (!finished) throw invalidResponseError(context, 'stream ended before the response finished');
}
