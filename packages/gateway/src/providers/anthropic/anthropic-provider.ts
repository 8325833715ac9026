import type { ChatChunk, ChatRequest, ChatResponse } from '@cairn/spec';
import type { ModelConfig, Provider, ProviderCallOptions } from '../provider.js';
import { completeStreamViaChat, completeViaChat } from '../shared/completions-via-chat.js';
import { postJson, send } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { anthropicOptions } from './anthropic-options.js';
import { anthropicRequest } from './anthropic-request.js';
import { anthropicChatResponse } from './anthropic-response.js';
import { anthropicStream } from './anthropic-stream.js';
import type { AnthropicResponse } from './anthropic-wire.js';

/** An Anthropic provider: the Provider interface plus Anthropic's own token counting. */
export interface AnthropicProvider extends Provider {
  /**
   * Asks Anthropic how many input tokens a Messages API body would take
   * (`POST /v1/messages/count_tokens`); `model` is replaced by this provider's model.
   */
  countTokens(body: Record<string, unknown>, options?: ProviderCallOptions): Promise<number>;
}

/** Whether a route target's provider can count tokens at Anthropic. */
export function isAnthropicProvider(provider: Provider): provider is AnthropicProvider {
  return (
    provider.id === 'anthropic' && typeof (provider as AnthropicProvider).countTokens === 'function'
  );
}

/** Anthropic's Messages API behind the Provider interface (chat; completions via chat). */
export function createAnthropicProvider(
  providerId: string,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): AnthropicProvider {
  const settings = anthropicOptions(providerId, model);
  const context: HttpContext = { providerId, fetch: fetchFunction, secrets: [settings.apiKey] };
  const headers = {
    'content-type': 'application/json',
    'x-api-key': settings.apiKey,
    'anthropic-version': settings.version,
  };
  const url = `${settings.baseUrl}/messages`;
  const body = (request: ChatRequest, stream: boolean) => {
    const translated = anthropicRequest(providerId, model.name, request, settings.defaultMaxTokens);
    return JSON.stringify(stream ? { ...translated, stream: true } : translated);
  };

  async function chat(request: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse> {
    const signal = options?.signal;
    const response = await postJson<AnthropicResponse>(context, {
      url,
      headers,
      body: body(request, false),
      signal,
    });
    if (!Array.isArray(response?.content)) {
      throw invalidResponseError(context, 'returned a message without content');
    }
    return anthropicChatResponse(response);
  }

  async function* chatStream(
    request: ChatRequest,
    options?: ProviderCallOptions,
  ): AsyncGenerator<ChatChunk> {
    const signal = options?.signal;
    const response = await send(context, { url, headers, body: body(request, true), signal });
    yield* anthropicStream(context, response, signal);
  }

  async function countTokens(
    countBody: Record<string, unknown>,
    options?: ProviderCallOptions,
  ): Promise<number> {
    const response = await postJson<{ input_tokens?: unknown }>(context, {
      url: `${url}/count_tokens`,
      headers,
      body: JSON.stringify({ ...countBody, model: model.name }),
      signal: options?.signal,
    });
    const tokens = response?.input_tokens;
    if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0) {
      throw invalidResponseError(context, 'returned a token count without input_tokens');
    }
    return tokens;
  }

  return {
    id: providerId,
    model: model.name,
    chat,
    chatStream,
    complete: (request, options) => completeViaChat(chat, request, options),
    completeStream: (request, options) => completeStreamViaChat(chatStream, request, options),
    countTokens,
  };
}
