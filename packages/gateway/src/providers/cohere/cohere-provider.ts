import type { ChatChunk, ChatRequest, ChatResponse } from '@cairn/spec';
import type { ModelConfig, Provider, ProviderCallOptions } from '../provider.js';
import { completeStreamViaChat, completeViaChat } from '../shared/completions-via-chat.js';
import { postJson, send } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { cohereChatResponse, cohereRequest } from './cohere-chat.js';
import { cohereEmbed } from './cohere-embed.js';
import { cohereOptions } from './cohere-options.js';
import { cohereStream } from './cohere-stream.js';
import type { CohereChatResponse } from './cohere-wire.js';

/** Cohere's v2 chat and embed APIs behind the Provider interface (completions via chat). */
export function createCohereProvider(
  providerId: string,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): Provider {
  const settings = cohereOptions(providerId, model);
  const context: HttpContext = { providerId, fetch: fetchFunction, secrets: [settings.apiKey] };
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    authorization: `Bearer ${settings.apiKey}`,
  };
  const url = `${settings.baseUrl}/chat`;

  async function chat(request: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse> {
    const response = await postJson<CohereChatResponse>(context, {
      url,
      headers,
      body: JSON.stringify(cohereRequest(model.name, request)),
      signal: options?.signal,
    });
    if (!response?.message)
      throw invalidResponseError(context, 'returned a chat response without message');
    return cohereChatResponse(response, model.name);
  }

  async function* chatStream(
    request: ChatRequest,
    options?: ProviderCallOptions,
  ): AsyncGenerator<ChatChunk> {
    const signal = options?.signal;
    const response = await send(context, {
      url,
      headers: { ...headers, accept: 'text/event-stream' },
      body: JSON.stringify({ ...cohereRequest(model.name, request), stream: true }),
      signal,
    });
    yield* cohereStream(context, response, signal, model.name);
  }

  return {
    id: providerId,
    model: model.name,
    chat,
    chatStream,
    complete: (request, options) => completeViaChat(chat, request, options),
    completeStream: (request, options) => completeStreamViaChat(chatStream, request, options),
    embed: (request, options) =>
      cohereEmbed(context, settings, model.name, headers, request, options),
  };
}
