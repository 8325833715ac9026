import type { ChatChunk, ChatMessage } from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import { ProviderError } from '../provider.js';
import type { HttpContext } from '../shared/http-context.js';
import { nowSeconds } from '../shared/ids.js';
import { parseEventJson } from '../shared/parse-json.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { readSse } from '../shared/read-sse.js';
import { redact } from '../shared/redact.js';
import { anthropicErrorStatus, anthropicFinishReason } from './anthropic-mapping.js';
import { anthropicUsage } from './anthropic-response.js';
import type { AnthropicUsage } from './anthropic-wire.js';

interface AnthropicStreamEvent {
  type: string;
  index?: number;
  message?: { id: string; model: string; usage?: AnthropicUsage };
  content_block?: { type: string; id?: string; name?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

/**
 * Turns the Messages API's SSE events (message_start, content_block_start/delta/stop,
 * message_delta, message_stop) into OpenAI chunks as each arrives; ends with a usage chunk.
 */
export async function* anthropicStream(
  context: HttpContext,
  response: Response,
  signal: CancelSignal | undefined,
): AsyncGenerator<ChatChunk> {
  let id = '';
  let model = '';
  const created = nowSeconds();
  let usage: AnthropicUsage = {};
  // Anthropic numbers every content block; OpenAI numbers only the tool calls.
  const toolIndexByBlock = new Map<number, number>();
  const chunk = (delta: Partial<ChatMessage>, finish: ChatChunk['choices'][0]['finish_reason']) =>
    ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    }) satisfies ChatChunk;

  for await (const event of readSse(context, response, signal)) {
    const data = parseEventJson<AnthropicStreamEvent>(context, event.data);
    switch (data.type) {
      case 'message_start':
        id = data.message?.id ?? '';
        model = data.message?.model ?? '';
        usage = { ...data.message?.usage };
        yield chunk({ role: 'assistant', content: '' }, null);
        break;
      case 'content_block_start':
        if (data.content_block?.type === 'tool_use') {
          const toolIndex = toolIndexByBlock.size;
          toolIndexByBlock.set(data.index ?? 0, toolIndex);
          const call = {
            index: toolIndex,
            id: data.content_block.id ?? '',
            type: 'function' as const,
            function: { name: data.content_block.name ?? '', arguments: '' },
          };
          yield chunk({ tool_calls: [call] } as Partial<ChatMessage>, null);
        }
        break;
      case 'content_block_delta':
        if (data.delta?.type === 'text_delta')
          yield chunk({ content: data.delta.text ?? '' }, null);
        else if (data.delta?.type === 'input_json_delta') {
          const call = {
            index: toolIndexByBlock.get(data.index ?? 0) ?? 0,
            function: { arguments: data.delta.partial_json ?? '' },
          };
          // OpenAI's tool-call deltas are partial ToolCalls carrying an index.
          yield chunk({ tool_calls: [call] } as unknown as Partial<ChatMessage>, null);
        }
        break;
      case 'message_delta':
        // message_delta's usage is cumulative and replaces what message_start said.
        usage = { ...usage, ...definedOnly(data.usage) };
        yield chunk({}, anthropicFinishReason(data.delta?.stop_reason ?? 'end_turn'));
        break;
      case 'message_stop':
        yield { ...chunk({}, null), choices: [], usage: anthropicUsage(usage) };
        return;
      case 'error': {
        const type = data.error?.type ?? 'api_error';
        throw new ProviderError(
          context.providerId,
          redact(
            `${context.providerId} stream failed: ${type}: ${data.error?.message ?? ''}`,
            context.secrets,
          ),
          { status: anthropicErrorStatus[type] ?? 502 },
        );
      }
      default:
        break; // ping, content_block_stop, and event types added later
    }
  }
  throw invalidResponseError(context, 'stream ended before message_stop');
}

function definedOnly(usage: AnthropicUsage | undefined): AnthropicUsage {
  return Object.fromEntries(
    Object.entries(usage ?? {}).filter(([, value]) => value !== null && value !== undefined),
  );
}
