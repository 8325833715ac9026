import type { ChatChunk, ChatRequest, ChatResponse } from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import type { ModelConfig, Provider, ProviderCallOptions } from '../provider.js';
import { completeStreamViaChat, completeViaChat } from '../shared/completions-via-chat.js';
import { postJson, send } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import { bedrockEmbed, bedrockEmbeddingFamily, type InvokeModel } from './bedrock-embed.js';
import { bedrockOptions } from './bedrock-options.js';
import { converseRequest } from './bedrock-request.js';
import { converseChatResponse } from './bedrock-response.js';
import { bedrockAuthorizer } from './bedrock-signer.js';
import { converseStream } from './bedrock-stream.js';
import type { ConverseResponse } from './bedrock-wire.js';

/**
 * Amazon Bedrock behind the Provider interface: chat through the Converse API (every model
 * family), streaming through ConverseStream's binary event stream, embeddings through
 * InvokeModel (Titan, Cohere); requests are SigV4-signed (or carry a Bedrock API key).
 */
export function createBedrockProvider(
  providerId: string,
  model: ModelConfig,
  fetchFunction: typeof fetch,
): Provider {
  const settings = bedrockOptions(providerId, model);
  const secrets = [
    settings.credentials?.secretAccessKey,
    settings.credentials?.sessionToken,
    settings.bearerToken,
  ];
  const context: HttpContext = {
    providerId,
    fetch: fetchFunction,
    secrets: secrets.filter((secret): secret is string => secret !== undefined),
  };
  const authorize = bedrockAuthorizer(settings);
  // Model ids contain ':' (and ARNs '/'), so the id is one encoded path segment.
  const modelUrl = `${settings.baseUrl}/model/${encodeURIComponent(model.name)}`;

  async function signedRequest(
    operation: string,
    body: object,
    accept: string,
    signal?: CancelSignal,
  ) {
    const url = new URL(`${modelUrl}/${operation}`);
    const text = JSON.stringify(body);
    const headers = await authorize(url, { 'content-type': 'application/json', accept }, text);
    return { url: url.href, headers, body: text, signal };
  }

  async function chat(request: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse> {
    const body = converseRequest(providerId, request);
    const response = await postJson<ConverseResponse>(
      context,
      await signedRequest('converse', body, 'application/json', options?.signal),
    );
    if (!response?.output?.message)
      throw invalidResponseError(context, 'returned no output message');
    return converseChatResponse(response, model.name);
  }

  async function* chatStream(
    request: ChatRequest,
    options?: ProviderCallOptions,
  ): AsyncGenerator<ChatChunk> {
    const signal = options?.signal;
    const body = converseRequest(providerId, request);
    const accept = 'application/vnd.amazon.eventstream';
    const response = await send(
      context,
      await signedRequest('converse-stream', body, accept, signal),
    );
    yield* converseStream(context, response, signal, model.name);
  }

  const provider: Provider = {
    id: providerId,
    model: model.name,
    chat,
    chatStream,
    complete: (request, options) => completeViaChat(chat, request, options),
    completeStream: (request, options) => completeStreamViaChat(chatStream, request, options),
  };
  if (bedrockEmbeddingFamily(model.name)) {
    const invoke: InvokeModel = async (body, options) =>
      postJson(context, await signedRequest('invoke', body, 'application/json', options?.signal));
    provider.embed = (request, options) =>
      bedrockEmbed(context, invoke, model.name, settings.inputType, request, options);
  }
  return provider;
}
