/**
 * A minimal ChatModel over any OpenAI-compatible `/chat/completions` endpoint (OpenAI, the Cairn
 * gateway, vLLM, Ollama…), for judges: `fetch`, JSON in and out, errors that say whether a retry
 * could help. The judge URI `openai:/gpt-4o` names the model; the base URL comes from options.
 */
import type { ChatModel, ChatRequest, ChatResponse } from '@cairn/spec';

/** Options of `openAiCompatibleChatModel`. */
export interface OpenAiCompatibleOptions {
  /** e.g. `http://127.0.0.1:5000/gateway/v1` — `/chat/completions` is appended. */
  baseUrl: string;
  apiKey?: string;
  /** Default model name when a request names none. */
  model: string;
  /** Extra headers (e.g. an organisation id). */
  headers?: Record<string, string>;
  /** Injected for tests or proxies (default: the global fetch). */
  fetch?: typeof fetch;
}

/** An error from the endpoint, with its status and whether retrying may succeed. */
export class ChatEndpointError extends Error {
  override readonly name = 'ChatEndpointError';
  constructor(
    message: string,
    readonly status: number,
    readonly isRetryable: boolean,
  ) {
    super(message);
  }
}

/** A ChatModel that also reports its model name (judges use it for pricing). */
export interface NamedChatModel extends ChatModel {
  readonly modelName: string;
}

/**
 * Makes a ChatModel for an OpenAI-compatible endpoint.
 *
 * @example openAiCompatibleChatModel({ baseUrl: 'https://example.test/v1', apiKey, model: 'gpt-4o' })
 */
export function openAiCompatibleChatModel(options: OpenAiCompatibleOptions): NamedChatModel {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const fetchImpl = options.fetch ?? fetch;
  return {
    modelName: options.model,
    async chat(request: ChatRequest, callOptions): Promise<ChatResponse> {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
          ...options.headers,
        },
        body: JSON.stringify({ ...request, model: request.model ?? options.model, stream: false }),
        ...(callOptions?.signal ? { signal: callOptions.signal } : {}),
      });
      const body = await response.text();
      if (!response.ok) {
        const status = response.status;
        throw new ChatEndpointError(
          `chat endpoint answered ${status}: ${body.slice(0, 300)}`,
          status,
          status === 408 || status === 409 || status === 429 || status >= 500,
        );
      }
      try {
        return JSON.parse(body) as ChatResponse;
      } catch {
        throw new ChatEndpointError(
          `chat endpoint answered invalid JSON: ${body.slice(0, 200)}`,
          response.status,
          false,
        );
      }
    },
  };
}

/** A parsed judge URI. */
export interface JudgeUri {
  scheme: 'openai' | 'gateway';
  /** The model name (openai:) or route name (gateway:). */
  name: string;
}

/**
 * Parses `openai:/gpt-4o` or `gateway:/route-name` (MLflow's judge URI form).
 *
 * @example parseJudgeUri('openai:/gpt-4o') // { scheme: 'openai', name: 'gpt-4o' }
 */
export function parseJudgeUri(uri: string): JudgeUri {
  const match = /^(openai|gateway):\/{1,2}(.+)$/.exec(uri.trim());
  if (!match)
    throw new RangeError(`judge must be 'openai:/<model>' or 'gateway:/<route>', got '${uri}'`);
  return { scheme: match[1] as JudgeUri['scheme'], name: match[2]! };
}
