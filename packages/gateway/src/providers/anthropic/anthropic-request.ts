import type { ChatMessage, ChatRequest } from '@cairn/spec';
import { ProviderError } from '../provider.js';
import { contentText, parseDataUrl, stopList } from '../shared/content-text.js';
import { parseArguments } from '../shared/parse-json.js';
import { anthropicToolChoice } from './anthropic-mapping.js';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-wire.js';

/**
 * Translates an OpenAI chat request to a Messages API body: system and developer messages become
 * `system`, tool results become user `tool_result` blocks, assistant tool calls become `tool_use`
 * blocks, consecutive same-role messages merge (the API wants alternation).
 */
export function anthropicRequest(
  providerId: string,
  model: string,
  request: ChatRequest,
  defaultMaxTokens: number,
): Record<string, unknown> {
  if ((request.n ?? 1) !== 1) {
    throw new ProviderError(providerId, `${providerId} does not support n > 1`, { status: 400 });
  }
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(contentText(message.content));
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocks(providerId, message);
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  const body: Record<string, unknown> = {
    model,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  const stop = stopList(request.stop);
  if (stop) body.stop_sequences = stop;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      name: tool.function.name,
      description: tool.function.description,
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
  }
  const toolChoice = anthropicToolChoice(request.tool_choice);
  if (toolChoice) body.tool_choice = toolChoice;
  return body;
}

function contentBlocks(providerId: string, message: ChatMessage): AnthropicContentBlock[] {
  if (message.role === 'tool') {
    return [
      {
        type: 'tool_result',
        tool_use_id: message.tool_call_id ?? '',
        content: contentText(message.content),
      },
    ];
  }
  const blocks: AnthropicContentBlock[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ type: 'text', text: message.content });
  } else if (message.content) {
    for (const part of message.content) {
      if (part.type === 'text') blocks.push({ type: 'text', text: part.text });
      else {
        const inline = parseDataUrl(part.image_url.url);
        blocks.push({
          type: 'image',
          source: inline
            ? { type: 'base64', media_type: inline.mediaType, data: inline.data }
            : { type: 'url', url: part.image_url.url },
        });
      }
    }
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(providerId, call.function.arguments),
    });
  }
  return blocks;
}
