import type { ChatMessage } from '@cairn/spec';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Gateway } from '../gateway.js';
import { GatewayError } from '../gateway-error.js';
import { isAnthropicProvider } from '../providers/anthropic/index.js';
import { contentText } from '../providers/shared/content-text.js';
import { toClientError } from '../upstream-error.js';
import { chatRequestFromMessages } from './anthropic-messages-request.js';
import { clientGone, readCaller } from './caller.js';
import { requireBody } from './openai-routes.js';

/**
 * Anthropic's `POST /v1/messages/count_tokens` on a chat route: `{"input_tokens": N}`. When the
 * route's first target is an Anthropic model, Anthropic counts (the body is forwarded with that
 * model); otherwise the count is estimated locally. `x-cairn-token-count` says which. Counting is
 * no LLM call: it is authenticated but skips limits, budgets, cache and logging.
 *
 * @example
 * await client.messages.countTokens({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
 * // → { input_tokens: 8 }
 */
export async function countTokensHandler(
  gateway: Gateway,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ input_tokens: number }> {
  const body = requireBody(request.body);
  const { key } = await readCaller(gateway, request.headers, body);
  const name = body.model;
  if (typeof name !== 'string' || name === '')
    invalid('model: give the name of a gateway chat route.');
  const route = gateway.admitRoute(name, 'chat', key);
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    invalid('messages: a non-empty array is required.');

  const provider = route.targets[0]?.provider;
  if (provider && isAnthropicProvider(provider)) {
    let tokens: number;
    try {
      tokens = await provider.countTokens(body, { signal: clientGone(reply.raw) });
    } catch (error) {
      throw toClientError(error, gateway.config.secrets);
    }
    reply.header('x-cairn-token-count', 'provider');
    return { input_tokens: tokens };
  }
  // Validates the body as /v1/messages would, and flattens it to text for counting.
  const { messages } = chatRequestFromMessages({ ...body, max_tokens: 1, stream: undefined });
  const tokens = await estimateInputTokens(messages, body.tools);
  reply.header('x-cairn-token-count', 'estimated');
  return { input_tokens: tokens };
}

type Encode = (text: string) => number[];
let encoder: Promise<Encode> | undefined;

// The rank table is megabytes: load it when the first estimate needs it, not at startup.
// o200k_base is the encoding of current OpenAI models; for other vendors it is an approximation.
function loadEncoder(): Promise<Encode> {
  encoder ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => (text: string) => module.encode(text, { disallowedSpecial: new Set() }),
  );
  return encoder;
}

/**
 * Estimated input tokens: each message's role and text (tool calls as name and arguments),
 * 3 tokens of framing per message and 3 priming the reply (OpenAI's cookbook), plus the tool
 * definitions' JSON. Images are not counted.
 */
async function estimateInputTokens(messages: ChatMessage[], tools: unknown): Promise<number> {
  const encode = await loadEncoder();
  let tokens = 3;
  for (const message of messages) {
    tokens += 3 + encode(message.role).length + encode(contentText(message.content)).length;
    for (const call of message.tool_calls ?? [])
      tokens += encode(call.function.name).length + encode(call.function.arguments).length;
  }
  if (Array.isArray(tools) && tools.length > 0) tokens += encode(JSON.stringify(tools)).length;
  return tokens;
}

function invalid(message: string): never {
  throw new GatewayError(400, message, 'invalid_request_error', 'invalid_request');
}
