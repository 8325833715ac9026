import type { ChatChunk, ChatMessage } from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import { readBody } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { generateId, nowSeconds } from '../shared/ids.js';
import { parseEventJson } from '../shared/parse-json.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { redact } from '../shared/redact.js';
import { converseFinishReason, converseUsage } from './bedrock-response.js';
import type { ConverseUsage } from './bedrock-wire.js';
import { EventStreamDecoder, type EventStreamMessage } from './event-stream-decoder.js';

interface ConverseStreamEvent {
  role?: string;
  contentBlockIndex?: number;
  start?: { toolUse?: { toolUseId: string; name: string } };
  delta?: { text?: string; toolUse?: { input?: string } };
  stopReason?: string;
  usage?: ConverseUsage;
  message?: string;
}

/** ConverseStream's exception types and the HTTP status each stands for. */
const exceptionStatus: Record<string, number> = {
  validationException: 400,
  accessDeniedException: 403,
  resourceNotFoundException: 404,
  modelTimeoutException: 408,
  throttlingException: 429,
  internalServerException: 500,
  modelStreamErrorException: 502,
  serviceUnavailableException: 503,
};

/**
 * Decodes ConverseStream's binary event stream as bytes arrive and turns its events
 * (messageStart, contentBlockStart/Delta, messageStop, metadata) into OpenAI chunks; the
 * metadata event's usage becomes the final chunk.
 */
export async function* converseStream(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
  model: string,
): AsyncGenerator<ChatChunk> {
  const id = generateId('chatcmpl-');
  const created = nowSeconds();
  const decoder = new EventStreamDecoder();
  const toolIndexByBlock = new Map<number, number>();
  let stopped = false;
  const chunk = (delta: Partial<ChatMessage>, finish: ChatChunk['choices'][0]['finish_reason']) =>
    ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) satisfies ChatChunk;

  for await (const bytes of readBody(context, response, signal)) {
    let messages: EventStreamMessage[];
    try {
      messages = decoder.push(bytes);
    } catch (error) {
      throw invalidResponseError(context, `streamed garbage: ${(error as Error).message}`, error);
    }
    for (const message of messages) {
      const messageType = message.headers[':message-type'];
      if (messageType === 'exception' || messageType === 'error') {
        throw streamError(context, message);
      }
      const data = parseEventJson<ConverseStreamEvent>(
        context,
        new TextDecoder().decode(message.payload),
      );
      switch (message.headers[':event-type']) {
        case 'messageStart':
          yield chunk({ role: 'assistant', content: '' }, null);
          break;
        case 'contentBlockStart':
          if (data.start?.toolUse) {
            const toolIndex = toolIndexByBlock.size;
            toolIndexByBlock.set(data.contentBlockIndex ?? 0, toolIndex);
            const call = {
              index: toolIndex,
              id: data.start.toolUse.toolUseId,
              type: 'function',
              function: { name: data.start.toolUse.name, arguments: '' },
            };
            yield chunk({ tool_calls: [call] } as unknown as Partial<ChatMessage>, null);
          }
          break;
        case 'contentBlockDelta':
          if (data.delta?.text !== undefined) yield chunk({ content: data.delta.text }, null);
          else if (data.delta?.toolUse) {
            const call = {
              index: toolIndexByBlock.get(data.contentBlockIndex ?? 0) ?? 0,
              function: { arguments: data.delta.toolUse.input ?? '' },
            };
            yield chunk({ tool_calls: [call] } as unknown as Partial<ChatMessage>, null);
          }
          break;
        case 'messageStop':
          stopped = true;
          yield chunk({}, converseFinishReason(data.stopReason ?? 'end_turn'));
          break;
        case 'metadata':
          yield { ...chunk({}, null), choices: [], usage: converseUsage(data.usage) };
          break;
        default:
          break; // contentBlockStop and event types added later
      }
    }
  }
  if (!stopped || decoder.hasPartialMessage) {
    throw invalidResponseError(context, 'stream ended before messageStop');
  }
}

function streamError(context: HttpContext, message: EventStreamMessage): ProviderError {
  const type = String(
    message.headers[':exception-type'] ?? message.headers[':error-code'] ?? 'error',
  );
  let detail = String(message.headers[':error-message'] ?? '');
  try {
    detail ||=
      (JSON.parse(new TextDecoder().decode(message.payload)) as { message?: string }).message ?? '';
  } catch {
    // The payload of an error frame is informative only.
  }
  return new ProviderError(
    context.providerId,
    redact(`${context.providerId} stream failed: ${type}: ${detail}`, context.secrets),
    { status: exceptionStatus[type] ?? 502 },
  );
}
