/**
 * The chat, completion and embedding contract shared by the gateway (which serves it), providers
 * (which translate it to each vendor's wire format) and LLM judges (which call it). Shapes follow
 * OpenAI's public API, the lingua franca every client already speaks.
 */

/** One message of a conversation. `content` may be text or OpenAI-style content parts. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  content: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

/** A part of a multi-part message (text or an image reference). */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } };

/** A function call the model asked for. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A tool the model may call. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** Token counts of one call. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** `POST /v1/chat/completions` request body (the fields Cairn understands; others pass through). */
export interface ChatRequest {
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  n?: number;
  stop?: string | string[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  presence_penalty?: number;
  frequency_penalty?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  tools?: ToolDefinition[];
  tool_choice?: unknown;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: unknown };
  seed?: number;
  user?: string;
  metadata?: Record<string, string>;
}

/** Log-probabilities of generated tokens, when the model returns them. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  top_logprobs?: { token: string; logprob: number }[];
}

/** One generated alternative. */
export interface ChatChoice {
  index: number;
  message: ChatMessage;
  finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | null;
  logprobs?: { content: TokenLogprob[] | null } | null;
}

/** `POST /v1/chat/completions` response body. */
export interface ChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
}

/** One server-sent event of a streamed chat completion. */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: Partial<ChatMessage>;
    finish_reason: ChatChoice['finish_reason'];
  }[];
  usage?: Usage | null;
}

/** `POST /v1/completions` request body. */
export interface CompletionRequest {
  model?: string;
  prompt: string | string[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  n?: number;
  stop?: string | string[];
  stream?: boolean;
  logprobs?: number;
}

/** `POST /v1/completions` response body. */
export interface CompletionResponse {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: ChatChoice['finish_reason'] }[];
  usage?: Usage;
}

/** One server-sent event of a streamed completion. */
export interface CompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: ChatChoice['finish_reason'] }[];
  usage?: Usage | null;
}

/** `POST /v1/embeddings` request body. */
export interface EmbeddingRequest {
  model?: string;
  input: string | string[];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}

/** `POST /v1/embeddings` response body. */
export interface EmbeddingResponse {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * Anything that answers chat requests: a gateway route, a provider, or a test double speaking
 * the same contract. LLM judges take one of these.
 */
export interface ChatModel {
  chat(request: ChatRequest, options?: { signal?: AbortSignal }): Promise<ChatResponse>;
}
