import type { ChatResponse } from '@cairn/spec';
import { anthropicStopReason } from '../providers/anthropic/anthropic-mapping.js';
import type {
  AnthropicContentBlock,
  AnthropicResponse,
} from '../providers/anthropic/anthropic-wire.js';
import { contentText } from '../providers/shared/content-text.js';

/**
 * Translates a route's chat completion into a Messages API response: the text as a text block,
 * tool calls as `tool_use` blocks, the finish reason as `stop_reason`, usage as input/output tokens.
 * Chat does not say which stop sequence ended a turn, so `stop_sequence` stays null (`end_turn`).
 *
 * @example
 * messageFromChat(completion, 'msg_0123').content // → [{ type: 'text', text: 'hello' }]
 */
export function messageFromChat(response: ChatResponse, id: string): AnthropicResponse {
  const choice = response.choices?.find((candidate) => candidate.index === 0);
  const content: AnthropicContentBlock[] = [];
  const text = contentText(choice?.message?.content ?? null);
  if (text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message?.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    });
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model: response.model,
    content,
    stop_reason: anthropicStopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: {
      input_tokens: response.usage?.prompt_tokens ?? 0,
      output_tokens: response.usage?.completion_tokens ?? 0,
    },
  };
}

/** A tool call's JSON arguments as the object `tool_use.input` must be; anything else is wrapped. */
function toolInput(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    // A model wrote broken JSON: hand it over as is rather than fail the whole answer.
    return { arguments: text };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}
