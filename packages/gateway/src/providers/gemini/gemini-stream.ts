import type { ChatChunk, ChatMessage } from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import type { HttpContext } from '../shared/http-context.js';
import { generateId, nowSeconds } from '../shared/ids.js';
import { parseEventJson } from '../shared/parse-json.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { readSse } from '../shared/read-sse.js';
import { redact } from '../shared/redact.js';
import { geminiFinishReason, geminiParts, geminiUsage } from './gemini-response.js';
import type { GeminiResponse, GeminiUsageMetadata } from './gemini-wire.js';

/**
 * Turns `streamGenerateContent?alt=sse` events (each a partial GenerateContentResponse) into
 * OpenAI chunks as they arrive; the usage (cumulative in every event) goes in a final chunk.
 */
export async function* geminiStream(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
  model: string,
): AsyncGenerator<ChatChunk> {
  let id = '';
  let modelVersion = model;
  const created = nowSeconds();
  let usage: GeminiUsageMetadata | undefined;
  let finished = false;
  const toolCallCounts = new Map<number, number>();
  const started = new Set<number>();

  for await (const event of readSse(context, response, signal)) {
    const data = parseEventJson<GeminiResponse>(context, event.data);
    if (data.error) {
      throw new ProviderError(
        context.providerId,
        redact(
          `${context.providerId} stream failed: ${data.error.status ?? ''} ${data.error.message ?? ''}`,
          context.secrets,
        ),
        { status: data.error.code ?? 502 },
      );
    }
    id ||= data.responseId ?? generateId('chatcmpl-');
    modelVersion = data.modelVersion ?? modelVersion;
    usage = data.usageMetadata ?? usage;
    const choices: ChatChunk['choices'] = [];
    for (const [position, candidate] of (data.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      const { text, toolCalls } = geminiParts(candidate.content?.parts);
      const delta: Partial<ChatMessage> = {};
      if (!started.has(index)) {
        started.add(index);
        delta.role = 'assistant';
      }
      if (text !== '') delta.content = text;
      if (toolCalls.length > 0) {
        // Gemini sends each function call whole; OpenAI deltas number them per choice.
        const offset = toolCallCounts.get(index) ?? 0;
        toolCallCounts.set(index, offset + toolCalls.length);
        delta.tool_calls = toolCalls.map((call, n) => ({
          ...call,
          index: offset + n,
        })) as ChatMessage['tool_calls'];
      }
      const calledTools = (toolCallCounts.get(index) ?? 0) > 0;
      const finish = geminiFinishReason(candidate.finishReason, calledTools);
      if (finish) finished = true;
      choices.push({ index, delta, finish_reason: finish });
    }
    if (choices.length === 0 && data.promptFeedback?.blockReason) {
      finished = true;
      choices.push({ index: 0, delta: { role: 'assistant' }, finish_reason: 'content_filter' });
    }
    if (choices.length > 0) {
      yield { id, object: 'chat.completion.chunk', created, model: modelVersion, choices };
    }
  }
  // Gemini sends no terminator; a stream is complete once a candidate has a finish reason.
  if (!finished) throw invalidResponseError(context, 'stream ended before a finish reason');
  yield {
    id,
    object: 'chat.completion.chunk',
    created,
    model: modelVersion,
    choices: [],
    usage: geminiUsage(usage),
  };
}
