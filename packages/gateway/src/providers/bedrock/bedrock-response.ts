import type { ChatChoice, ChatResponse, ToolCall, Usage } from '@cairn/spec';
import { generateId, nowSeconds } from '../shared/ids.js';
import type { ConverseResponse, ConverseUsage } from './bedrock-wire.js';

/** Converse's stop reason as OpenAI's finish reason. */
export function converseFinishReason(reason: string | undefined): ChatChoice['finish_reason'] {
  switch (reason) {
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop'; // end_turn, stop_sequence
  }
}

/** Converse usage as OpenAI usage; prompt-cache reads and writes count as prompt tokens. */
export function converseUsage(usage: ConverseUsage | undefined): Usage {
  const prompt =
    (usage?.inputTokens ?? 0) +
    (usage?.cacheReadInputTokens ?? 0) +
    (usage?.cacheWriteInputTokens ?? 0);
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Translates a Converse response into an OpenAI chat completion (Converse sends no id). */
export function converseChatResponse(response: ConverseResponse, model: string): ChatResponse {
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    if (block.text !== undefined) text += block.text;
    if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId,
        type: 'function',
        function: {
          name: block.toolUse.name,
          arguments: JSON.stringify(block.toolUse.input ?? {}),
        },
      });
    }
  }
  const message: ChatChoice['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: generateId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: converseFinishReason(response.stopReason) }],
    usage: converseUsage(response.usage),
  };
}
