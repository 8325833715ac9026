import type { ChatChoice, ChatRequest, ChatResponse, Usage } from '@cairn/spec';
import { contentText, stopList } from '../shared/content-text.js';
import { nowSeconds } from '../shared/ids.js';
import type { CohereChatResponse, CohereUsage } from './cohere-wire.js';

/**
 * Translates an OpenAI chat request to Cohere's v2 chat body. v2 already takes OpenAI-style
 * messages, tools and tool calls; sampling parameters have their own names.
 */
export function cohereRequest(model: string, request: ChatRequest): Record<string, unknown> {
  const messages = request.messages.map((message) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    const translated: Record<string, unknown> = { role, content: contentText(message.content) };
    if (message.tool_calls?.length) translated.tool_calls = message.tool_calls;
    if (message.tool_call_id !== undefined) translated.tool_call_id = message.tool_call_id;
    return translated;
  });
  const body: Record<string, unknown> = { model, messages };
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.p = request.top_p;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presence_penalty !== undefined) body.presence_penalty = request.presence_penalty;
  if (request.frequency_penalty !== undefined) body.frequency_penalty = request.frequency_penalty;
  const stop = stopList(request.stop);
  if (stop) body.stop_sequences = stop;
  if (request.tools?.length) body.tools = request.tools;
  if (request.tool_choice === 'required') body.tool_choice = 'REQUIRED';
  if (request.tool_choice === 'none') body.tool_choice = 'NONE';
  if (request.response_format?.type === 'json_object')
    body.response_format = { type: 'json_object' };
  return body;
}

/** Cohere's finish reason as OpenAI's. */
export function cohereFinishReason(reason: string | undefined): ChatChoice['finish_reason'] {
  switch (reason) {
    case undefined:
      return null;
    case 'MAX_TOKENS':
      return 'length';
    case 'TOOL_CALL':
      return 'tool_calls';
    default:
      return 'stop'; // COMPLETE, STOP_SEQUENCE, ERROR, TIMEOUT
  }
}

/** Cohere usage as OpenAI usage, from billed units when present (what the invoice counts). */
export function cohereUsage(usage: CohereUsage | undefined): Usage {
  const counts = usage?.billed_units ?? usage?.tokens;
  const prompt = counts?.input_tokens ?? 0;
  const completion = counts?.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

/** Translates a v2 chat response into an OpenAI chat completion. */
export function cohereChatResponse(response: CohereChatResponse, model: string): ChatResponse {
  const text = (response.message?.content ?? [])
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('');
  const toolCalls = response.message?.tool_calls ?? [];
  const message: ChatChoice['message'] = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
  };
  if (toolCalls.length > 0) {
    message.tool_calls = toolCalls.map((call) => ({
      id: call.id ?? '',
      type: 'function',
      function: { name: call.function?.name ?? '', arguments: call.function?.arguments ?? '{}' },
    }));
  }
  return {
    id: response.id,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: cohereFinishReason(response.finish_reason) }],
    usage: cohereUsage(response.usage),
  };
}
