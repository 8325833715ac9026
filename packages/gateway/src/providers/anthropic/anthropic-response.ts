import type { ChatChoice, ChatResponse, ToolCall, Usage } from '@cairn/spec';
import { nowSeconds } from '../shared/ids.js';
import { anthropicFinishReason } from './anthropic-mapping.js';
import type { AnthropicResponse, AnthropicUsage } from './anthropic-wire.js';

/** Anthropic usage as OpenAI usage; cache reads and writes count as prompt tokens. */
export function anthropicUsage(usage: AnthropicUsage): Usage {
  const prompt =
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Translates a Messages API response into an OpenAI chat completion. */
export function anthropicChatResponse(response: AnthropicResponse): ChatResponse {
  const text: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.content) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const message: ChatChoice['message'] = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: response.id,
    object: 'chat.completion',
    created: nowSeconds(),
    model: response.model,
    choices: [{ index: 0, message, finish_reason: anthropicFinishReason(response.stop_reason) }],
    usage: anthropicUsage(response.usage ?? {}),
  };
}
