import type { ChatMessage, ChatRequest } from '@cairn/spec';
import { ProviderError } from '../provider.js';
import { contentText, parseDataUrl, stopList } from '../shared/content-text.js';
import { parseArguments } from '../shared/parse-json.js';
import type { ConverseContentBlock, ConverseMessage } from './bedrock-wire.js';

/**
 * Translates an OpenAI chat request to a Converse body (one format for every model family on
 * Bedrock: Anthropic, Llama, Mistral, Titan, Cohere, Nova…): system messages to `system`, tool
 * results to user `toolResult` blocks, consecutive same-role messages merged.
 */
export function converseRequest(providerId: string, request: ChatRequest): Record<string, unknown> {
  if ((request.n ?? 1) !== 1) {
    throw new ProviderError(providerId, `${providerId} does not support n > 1`, { status: 400 });
  }
  const system: { text: string }[] = [];
  const messages: ConverseMessage[] = [];
  for (const message of request.messages) {
    if (message.role === 'system' || message.role === 'developer') {
      const text = contentText(message.content);
      if (text !== '') system.push({ text });
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = contentBlocks(providerId, message);
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body.system = system;
  const inferenceConfig: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) inferenceConfig.maxTokens = maxTokens;
  if (request.temperature !== undefined) inferenceConfig.temperature = request.temperature;
  if (request.top_p !== undefined) inferenceConfig.topP = request.top_p;
  const stop = stopList(request.stop);
  if (stop) inferenceConfig.stopSequences = stop;
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  if (request.tools?.length) {
    const toolConfig: Record<string, unknown> = {
      tools: request.tools.map((tool) => ({
        toolSpec: {
          name: tool.function.name,
          ...(tool.function.description ? { description: tool.function.description } : {}),
          inputSchema: { json: tool.function.parameters ?? { type: 'object', properties: {} } },
        },
      })),
    };
    const choice = request.tool_choice as { function?: { name?: string } } | string | undefined;
    if (choice === 'auto') toolConfig.toolChoice = { auto: {} };
    else if (choice === 'required') toolConfig.toolChoice = { any: {} };
    else if (typeof choice === 'object' && choice?.function?.name) {
      toolConfig.toolChoice = { tool: { name: choice.function.name } };
    }
    body.toolConfig = toolConfig;
  }
  return body;
}

function contentBlocks(providerId: string, message: ChatMessage): ConverseContentBlock[] {
  if (message.role === 'tool') {
    const text = contentText(message.content);
    return [{ toolResult: { toolUseId: message.tool_call_id ?? '', content: [{ text }] } }];
  }
  const blocks: ConverseContentBlock[] = [];
  // Converse rejects blank text blocks, so empty strings are left out.
  if (typeof message.content === 'string') {
    if (message.content !== '') blocks.push({ text: message.content });
  } else if (message.content) {
    for (const part of message.content) {
      if (part.type === 'text') {
        if (part.text !== '') blocks.push({ text: part.text });
        continue;
      }
      const inline = parseDataUrl(part.image_url.url);
      if (!inline) {
        throw new ProviderError(providerId, `${providerId} accepts images only as data: URLs`, {
          status: 400,
        });
      }
      const format = inline.mediaType.replace(/^image\//, '').replace('jpg', 'jpeg');
      blocks.push({ image: { format, source: { bytes: inline.data } } });
    }
  }
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      toolUse: {
        toolUseId: call.id,
        name: call.function.name,
        input: parseArguments(providerId, call.function.arguments),
      },
    });
  }
  return blocks;
}
