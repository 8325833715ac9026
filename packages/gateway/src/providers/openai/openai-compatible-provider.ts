import type {
  ChatChunk,
  ChatRequest,
  ChatResponse,
  CompletionChunk,
  CompletionRequest,
  CompletionResponse,
  EmbeddingRequest,
  EmbeddingResponse,
} from '@cairn/spec';
import type { CancelSignal } from '../../transport/cancel-signal.js';
import type { Provider, ProviderCallOptions } from '../provider.js';
import { completeStreamViaChat, completeViaChat } from '../shared/completions-via-chat.js';
import { postJson, send } from '../shared/http.js';
import type { HttpContext } from '../shared/http-context.js';
import { invalidResponseError } from '../shared/provider-errors.js';
import type { OpenAICompatibleSettings, OpenAIOperation } from './openai-compatible-settings.js';
import { readOpenAIStream } from './openai-stream.js';

/**
 * The one implementation of OpenAI's wire format. OpenAI itself, Azure OpenAI, Mistral and the
 * OpenAI-compatible family (Ollama, vLLM, Together, Groq, …) are this provider, configured.
 * Requests and responses already are OpenAI's shape, so they pass through with the model set.
 */
export function createOpenAICompatibleProvider(
  settings: OpenAICompatibleSettings,
  fetchFunction: typeof fetch,
): Provider {
  const context: HttpContext = {
    providerId: settings.providerId,
    fetch: fetchFunction,
    secrets: settings.secrets,
  };
  const headers = { 'content-type': 'application/json', ...settings.headers };

  function request(operation: OpenAIOperation, body: object, signal: CancelSignal | undefined) {
    return { url: settings.url(operation), headers, body: JSON.stringify(body), signal };
  }

  function bodyOf<T extends { model?: string; metadata?: unknown }>(input: T, stream: boolean) {
    // A copy: the caller's body is never changed. (A plain spread; `{ metadata, ...rest }` copies
    // property by property at run time.)
    const body: Record<string, unknown> = { ...input };
    // `metadata` is Cairn's routing input; OpenAI rejects it unless `store` is on.
    if (body.metadata !== undefined) delete body.metadata;
    if (settings.sendModel) body.model = settings.model;
    else delete body.model;
    if (stream) {
      body.stream = true;
      // Ask for the usage chunk so the gateway can count tokens of streamed calls too.
      body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
    } else {
      // `delete` of a missing key still costs a runtime call per request.
      if (body.stream !== undefined) delete body.stream;
      if (body.stream_options !== undefined) delete body.stream_options;
    }
    return body;
  }

  async function chat(input: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse> {
    const response = await postJson<ChatResponse>(
      context,
      request('chat/completions', bodyOf(input, false), options?.signal),
    );
    if (!Array.isArray(response?.choices)) {
      throw invalidResponseError(context, 'returned a chat response without choices');
    }
    return response;
  }

  async function* chatStream(
    input: ChatRequest,
    options?: ProviderCallOptions,
  ): AsyncGenerator<ChatChunk> {
    const signal = options?.signal;
    const response = await send(context, request('chat/completions', bodyOf(input, true), signal));
    yield* readOpenAIStream<ChatChunk>(context, response, signal);
  }

  const provider: Provider = { id: settings.providerId, model: settings.model, chat, chatStream };

  if (settings.completions) {
    provider.complete = async (input: CompletionRequest, options?: ProviderCallOptions) => {
      const response = await postJson<CompletionResponse>(
        context,
        request('completions', bodyOf(input, false), options?.signal),
      );
      if (!Array.isArray(response?.choices)) {
        throw invalidResponseError(context, 'returned a completion without choices');
      }
      return response;
    };
    provider.completeStream = async function* (input, options) {
      const signal = options?.signal;
      const response = await send(context, request('completions', bodyOf(input, true), signal));
      yield* readOpenAIStream<CompletionChunk>(context, response, signal);
    };
  } else {
    provider.complete = (input, options) => completeViaChat(chat, input, options);
    provider.completeStream = (input, options) => completeStreamViaChat(chatStream, input, options);
  }

  if (settings.embeddings) {
    provider.embed = async (input: EmbeddingRequest, options?: ProviderCallOptions) => {
      // Always floats: the Provider contract is number[]; the HTTP layer encodes base64 on request.
      const { encoding_format: _format, ...rest } = input;
      const body: Record<string, unknown> = { ...rest };
      if (settings.sendModel) body.model = settings.model;
      else delete body.model;
      const response = await postJson<EmbeddingResponse>(
        context,
        request('embeddings', body, options?.signal),
      );
      if (!Array.isArray(response?.data)) {
        throw invalidResponseError(context, 'returned embeddings without data');
      }
      return response;
    };
  }
  return provider;
}
