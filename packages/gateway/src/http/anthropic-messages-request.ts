import type { ChatContentPart, ChatMessage, ChatRequest, ToolCall } from '@cairn/spec';
import { GatewayError } from '../gateway-error.js';
import { openAIToolChoice } from '../providers/anthropic/anthropic-mapping.js';

type Json = Record<string, unknown>;

/**
 * Translates a Messages API request body into the chat request a route runs, so Anthropic-shaped
 * clients take the same path as `/v1/chat/completions`. `system` becomes a system message,
 * `tool_result` blocks become `tool` messages (ahead of the rest of their user turn, as OpenAI
 * wants them right after the assistant's calls), `tool_use` blocks become `tool_calls`, and
 * `metadata.user_id` becomes `user`. Dropped because chat has no equivalent: `top_k`, `thinking`
 * and thinking blocks, `cache_control`, and `tool_result.is_error`.
 *
 * @example
 * chatRequestFromMessages({ model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] })
 * // → { model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }
 */
export function chatRequestFromMessages(body: Json): ChatRequest & Json {
  const model = body.model;
  if (typeof model !== 'string' || model === '')
    invalid('model: give the name of a gateway chat route.');
  const maxTokens = body.max_tokens;
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)
    invalid('max_tokens: a positive integer is required.');
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    invalid('messages: a non-empty array is required.');

  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system !== undefined) messages.push({ role: 'system', content: system });
  for (const [index, message] of (body.messages as unknown[]).entries()) {
    messages.push(...chatMessages(message, `messages.${index}`));
  }
  const request: ChatRequest & Json = { model, messages, max_tokens: maxTokens };
  for (const name of ['temperature', 'top_p'] as const) {
    const value = body[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') invalid(`${name}: a number is required.`);
    request[name] = value;
  }
  if (body.stop_sequences !== undefined) {
    if (!isStringArray(body.stop_sequences))
      invalid('stop_sequences: an array of strings is required.');
    if (body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  }
  if (body.stream !== undefined) {
    if (typeof body.stream !== 'boolean') invalid('stream: a boolean is required.');
    if (body.stream) {
      request.stream = true;
      // message_delta reports usage, so the route's stream must end with its usage chunk.
      request.stream_options = { include_usage: true };
    }
  }
  const userId = (body.metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof userId === 'string' && userId !== '') request.user = userId;
  if (body.tools !== undefined) addTools(request, body.tools);
  if (body.tool_choice !== undefined) addToolChoice(request, body.tool_choice);
  return request;
}

function systemText(system: unknown): string | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system === '' ? undefined : system;
  if (!Array.isArray(system)) invalid('system: a string or an array of text blocks is required.');
  const texts = system.map((block, index) => {
    if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string')
      invalid(`system.${index}: only text blocks are supported.`);
    return block.text as string;
  });
  return texts.length > 0 ? texts.join('\n\n') : undefined;
}

/** One Anthropic message as one or more chat messages (a user turn may carry tool results). */
function chatMessages(message: unknown, where: string): ChatMessage[] {
  if (!isObject(message)) invalid(`${where}: a message object is required.`);
  const role = message.role;
  if (role !== 'user' && role !== 'assistant')
    invalid(`${where}.role: 'user' or 'assistant' is required.`);
  const content = message.content;
  if (typeof content === 'string') return [{ role, content }];
  if (!Array.isArray(content))
    invalid(`${where}.content: a string or an array of content blocks is required.`);
  return role === 'assistant'
    ? [assistantMessage(content, where)]
    : userMessages(content as unknown[], where);
}

function assistantMessage(blocks: unknown[], where: string): ChatMessage {
  const text: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const [index, block] of blocks.entries()) {
    const at = `${where}.content.${index}`;
    if (!isObject(block)) invalid(`${at}: a content block object is required.`);
    if (block.type === 'text' && typeof block.text === 'string') text.push(block.text);
    else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string')
        invalid(`${at}: tool_use needs a string id and name.`);
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      // Reasoning of an earlier turn: chat routes cannot take it back, and do not need it.
    } else invalid(`${at}: unsupported content block type '${String(block.type)}'.`);
  }
  const message: ChatMessage = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function userMessages(blocks: unknown[], where: string): ChatMessage[] {
  const toolResults: ChatMessage[] = [];
  const parts: ChatContentPart[] = [];
  for (const [index, block] of blocks.entries()) {
    const at = `${where}.content.${index}`;
    if (!isObject(block)) invalid(`${at}: a content block object is required.`);
    if (block.type === 'tool_result') {
      if (typeof block.tool_use_id !== 'string')
        invalid(`${at}: tool_result needs a string tool_use_id.`);
      toolResults.push({
        role: 'tool',
        tool_call_id: block.tool_use_id,
        content: toolResultText(block.content, at),
      });
    } else parts.push(contentPart(block, at));
  }
  if (parts.length === 0) return toolResults;
  const only = parts.length === 1 ? parts[0] : undefined;
  const content = only?.type === 'text' ? only.text : parts;
  return [...toolResults, { role: 'user', content }];
}

function toolResultText(content: unknown, where: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) invalid(`${where}.content: a string or text blocks are required.`);
  return content
    .map((block, index) => {
      if (!isObject(block) || block.type !== 'text' || typeof block.text !== 'string')
        invalid(`${where}.content.${index}: tool results may only hold text blocks here.`);
      return block.text as string;
    })
    .join('\n');
}

function contentPart(block: Json, where: string): ChatContentPart {
  if (block.type === 'text') {
    if (typeof block.text !== 'string') invalid(`${where}.text: a string is required.`);
    return { type: 'text', text: block.text };
  }
  if (block.type === 'image') {
    const source = isObject(block.source) ? block.source : {};
    if (
      source.type === 'base64' &&
      typeof source.media_type === 'string' &&
      typeof source.data === 'string'
    ) {
      return {
        type: 'image_url',
        image_url: { url: `data:${source.media_type};base64,${source.data}` },
      };
    }
    if (source.type === 'url' && typeof source.url === 'string')
      return { type: 'image_url', image_url: { url: source.url } };
    invalid(`${where}.source: a base64 or url image source is required.`);
  }
  return invalid(`${where}: unsupported content block type '${String(block.type)}'.`);
}

function addTools(request: ChatRequest, tools: unknown): void {
  if (!Array.isArray(tools)) invalid('tools: an array is required.');
  request.tools = tools.map((tool, index) => {
    if (!isObject(tool) || typeof tool.name !== 'string')
      invalid(`tools.${index}: a tool needs a string name.`);
    // Server tools (web search, code execution, …) run at Anthropic; a route cannot run them.
    if (tool.type !== undefined && tool.type !== 'custom')
      invalid(`tools.${index}: server tool type '${String(tool.type)}' is not supported.`);
    const definition: NonNullable<ChatRequest['tools']>[number] = {
      type: 'function',
      function: { name: tool.name },
    };
    if (typeof tool.description === 'string') definition.function.description = tool.description;
    if (isObject(tool.input_schema)) definition.function.parameters = tool.input_schema;
    return definition;
  });
}

function addToolChoice(request: ChatRequest & Json, choice: unknown): void {
  if (!isObject(choice)) invalid('tool_choice: an object is required.');
  const translated = openAIToolChoice(choice);
  if (translated === undefined)
    invalid("tool_choice: type must be 'auto', 'any', 'tool' (with a name) or 'none'.");
  request.tool_choice = translated;
  if (choice.disable_parallel_tool_use === true && request.tools?.length)
    request.parallel_tool_calls = false;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function invalid(message: string): never {
  throw new GatewayError(400, message, 'invalid_request_error', 'invalid_request');
}
