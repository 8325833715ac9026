import type { Span } from '../live-span.js';
import { TraceAttribute } from '../trace-attributes.js';

/** MLflow's token usage record (`mlflow.chat.tokenUsage`). */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * Token usage from a provider's usage object: OpenAI chat (`prompt_tokens`, `completion_tokens`),
 * OpenAI responses and Anthropic (`input_tokens`, `output_tokens`, cache counts).
 */
export function tokenUsageOf(usage: unknown): TokenUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined;
  const fields = usage as Record<string, unknown>;
  const input = count(fields.input_tokens) ?? count(fields.prompt_tokens);
  const output = count(fields.output_tokens) ?? count(fields.completion_tokens) ?? 0;
  if (input === undefined) return undefined;
  const result: TokenUsage = {
    input_tokens: input,
    output_tokens: output,
    total_tokens: count(fields.total_tokens) ?? input + output,
  };
  const cacheRead = count(fields.cache_read_input_tokens);
  const cacheCreation = count(fields.cache_creation_input_tokens);
  if (cacheRead !== undefined) result.cache_read_input_tokens = cacheRead;
  if (cacheCreation !== undefined) result.cache_creation_input_tokens = cacheCreation;
  return result;
}

/** Sets `mlflow.chat.tokenUsage` and the answering model on a span when known. */
export function recordUsageAndModel(span: Span, usage: unknown, model: unknown): void {
  const tokens = tokenUsageOf(usage);
  if (tokens) span.setAttribute(TraceAttribute.tokenUsage, tokens);
  if (typeof model === 'string' && model !== '') span.setAttribute(TraceAttribute.model, model);
}
