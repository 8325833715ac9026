import type { ChatChunk, ChatRequest, ChatResponse } from '@cairn/spec';
import type { ModelConfig, Provider, ProviderCallOptions } from '../provider.js';
import { completeStreamViaChat, completeViaChat } from '../shared/completions-via-chat.js';
import { postJson, send } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { geminiEmbed } from './gemini-embed.js';
import { geminiOptions } from './gemini-options.js';
import { geminiRequest } from './gemini-request.js';
import { geminiChatResponse } from './gemini-response.js';
import { geminiStream } from './gemini-stream.js';
import type { GeminiResponse } from './gemini-wire.js';

/** Google's Gemini API behind the Provider interface (chat, stream, embeddings; completions via chat). */
export function createGeminiProvider(
  providerId: string,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): Provider {
  const settings = geminiOptions(providerId, model);
  const context: HttpContext = { providerId, fetch: fetchFunction, secrets: [settings.apiKey] };
  // The key travels in a header, never in the URL, so it cannot end up in logs of URLs.
  const headers = { 'content-type': 'application/json', 'x-goog-api-key': settings.apiKey };
  const modelUrl = `${settings.baseUrl}/${settings.resource}`;

  async function chat(request: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse> {
    const response = await postJson<GeminiResponse>(context, {
      url: `${modelUrl}:generateContent`,
      headers,
      body: JSON.stringify(geminiRequest(providerId, request)),
      signal: options?.signal,
    });
    if (!Array.isArray(response?.candidates) && !response?.promptFeedback) {
      throw invalidResponseError(context, 'returned a response without candidates');
    }
    return geminiChatResponse(response, model.name);
  }

  async function* chatStream(
    request: ChatRequest,
    options?: ProviderCallOptions,
  ): AsyncGenerator<ChatChunk> {
    const signal = options?.signal;
    const response = await send(context, {
      url: `${modelUrl}:streamGenerateContent?alt=sse`,
      headers,
      body: JSON.stringify(geminiRequest(providerId, request)),
      signal,
    });
    yield* geminiStream(context, response, signal, model.name);
  }

  return {
    id: providerId,
    model: model.name,
    chat,
    chatStream,
    complete: (request, options) => completeViaChat(chat, request, options),
    completeStream: (request, options) => completeStreamViaChat(chatStream, request, options),
    embed: (request, options) => geminiEmbed(context, settings, headers, request, options),
  };
}
