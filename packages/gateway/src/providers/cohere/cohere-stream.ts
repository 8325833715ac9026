import type { ChatChunk, ChatMessage } from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import type { HttpContext } from '../shared/http-context.js';
import { nowSeconds } from '../shared/ids.js';
import { parseEventJson } from '../shared/parse-json.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { readSse } from '../shared/read-sse.js';
import { redact } from '../shared/redact.js';
import { cohereFinishReason, cohereUsage } from './cohere-chat.js';
import type { CohereStreamEvent } from './cohere-wire.js';

/**
 * Turns Cohere v2 stream events (message-start, content-delta, tool-call-start/delta,
 * message-end) into OpenAI chunks as each arrives; message-end carries the usage.
 */
export async function* cohereStream(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
  model: string,
): AsyncGenerator<ChatChunk> {
  let id = '';
  const created = nowSeconds();
  let toolCalls = 0;
  const chunk = (delta: Partial<ChatMessage>, finish: ChatChunk['choices'][0]['finish_reason']) =>
    ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) satisfies ChatChunk;

  for await (const event of readSse(context, response, signal)) {
    if (event.data === '[DONE]') continue;
    const data = parseEventJson<CohereStreamEvent>(context, event.data);
    const message = data.delta?.message;
    switch (data.type) {
      case 'message-start':
        id = data.id ?? '';
        yield chunk({ role: 'assistant', content: '' }, null);
        break;
      case 'content-delta':
        yield chunk({ content: message?.content?.text ?? '' }, null);
        break;
      case 'tool-call-start': {
        const call = message?.tool_calls;
        const delta = [
          {
            index: toolCalls++,
            id: call?.id ?? '',
            type: 'function',
            function: {
              name: call?.function?.name ?? '',
              arguments: call?.function?.arguments ?? '',
            },
          },
        ];
        yield chunk({ tool_calls: delta } as unknown as Partial<ChatMessage>, null);
        break;
      }
      case 'tool-call-delta': {
        const delta = [
          {
            index: toolCalls - 1,
            function: { arguments: message?.tool_calls?.function?.arguments ?? '' },
          },
        ];
        yield chunk({ tool_calls: delta } as unknown as Partial<ChatMessage>, null);
        break;
      }
      case 'message-end': {
        if (data.delta?.error) {
          throw new ProviderError(
            context.providerId,
            redact(`${context.providerId} stream failed: ${data.delta.error}`, context.secrets),
            { status: 502 },
          );
        }
        yield chunk({}, cohereFinishReason(data.delta?.finish_reason ?? 'COMPLETE'));
        yield { ...chunk({}, null), choices: [], usage: cohereUsage(data.delta?.usage) };
        return;
      }
      default:
        break; // content-start/end, tool-plan-delta, tool-call-end, citations
    }
  }
  throw invalidResponseError(context, 'stream ended before message-end');
}
