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
import type { CancelSignal } from '../transport/cancel-signal.js';

/** A route target's model as the gateway config names it (MLflow's `model:` block). */
export interface ModelConfig {
  /** Provider id: openai, azure, anthropic, gemini, bedrock, mistral, cohere, or an OpenAI-compatible one. */
  provider: string;
  /** The provider's model name (or Azure deployment). */
  name: string;
  /** Provider settings with `$ENV` references already resolved (keys, base URLs, api versions). */
  config: Record<string, string>;
}

/**
 * Per-call options: cancellation and a deadline. When the signal fires (before the answer or
 * mid-stream) the call fails with a retryable 504 ProviderError; the caller knows whether it
 * gave up because of a timeout or because its client left.
 */
export interface ProviderCallOptions {
  signal?: CancelSignal;
}

/**
 * The narrow interface every provider implements. Requests and responses are in the OpenAI shape
 * (packages/spec chat.ts); each provider translates to and from its own wire format. A provider
 * that lacks a capability omits the method. Streams yield each chunk as soon as the vendor sends
 * it; whenever the vendor reports usage, the last chunk has `choices: []` and `usage` (OpenAI's
 * `include_usage` shape, requested upstream on every stream). `embed` always returns float arrays.
 */
export interface Provider {
  /** The provider id, e.g. `anthropic`. */
  readonly id: string;
  /** The model this instance calls. */
  readonly model: string;
  chat?(request: ChatRequest, options?: ProviderCallOptions): Promise<ChatResponse>;
  chatStream?(request: ChatRequest, options?: ProviderCallOptions): AsyncIterable<ChatChunk>;
  complete?(request: CompletionRequest, options?: ProviderCallOptions): Promise<CompletionResponse>;
  completeStream?(
    request: CompletionRequest,
    options?: ProviderCallOptions,
  ): AsyncIterable<CompletionChunk>;
  embed?(request: EmbeddingRequest, options?: ProviderCallOptions): Promise<EmbeddingResponse>;
}

/**
 * A failed provider call. `isRetryable` says whether another attempt (or another target) may
 * succeed: 408, 409, 429, 5xx and network failures are; 400/401/403/404 are not.
 */
export class ProviderError extends Error {
  readonly status: number;
  readonly isRetryable: boolean;
  /** Milliseconds the provider asked us to wait (from `Retry-After`), when it said. */
  readonly retryAfterMs?: number;
  readonly providerId: string;

  constructor(
    providerId: string,
    message: string,
    options: { status: number; isRetryable?: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.providerId = providerId;
    this.status = options.status;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.status);
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** 408, 409, 429 and 5xx are worth retrying; other statuses are the caller's mistake. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
