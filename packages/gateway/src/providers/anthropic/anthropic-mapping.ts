import type { ChatChoice } from '@cairn/spec';

// The Messages API ↔ OpenAI chat correspondences, both ways: the provider translates OpenAI-shaped
// calls to Anthropic upstreams, and the gateway's /v1/messages endpoint translates Anthropic-shaped
// clients to routes. Keeping each pair side by side keeps the two directions from drifting.

/** Anthropic's stop reason as OpenAI's finish reason. */
export function anthropicFinishReason(
  reason: string | null | undefined,
): ChatChoice['finish_reason'] {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return 'stop'; // end_turn, stop_sequence, pause_turn
  }
}

/** OpenAI's finish reason as Anthropic's stop reason (a missing one means the turn ended). */
export function anthropicStopReason(reason: string | null | undefined): string {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic's error types and the HTTP status each stands for. */
export const anthropicErrorStatus: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

/** The Anthropic error type for an HTTP status (Anthropic's SDK picks its error class by status). */
export function anthropicErrorType(status: number): string {
  for (const [type, typeStatus] of Object.entries(anthropicErrorStatus)) {
    if (typeStatus === status) return type;
  }
  if (status === 503) return 'overloaded_error';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

/** OpenAI's `tool_choice` as Anthropic's (undefined when there is nothing to say). */
export function anthropicToolChoice(choice: unknown): Record<string, unknown> | undefined {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  const named = choice as { function?: { name?: string } } | undefined;
  if (named?.function?.name) return { type: 'tool', name: named.function.name };
  return undefined;
}

/** Anthropic's `tool_choice` as OpenAI's (undefined when there is nothing to say). */
export function openAIToolChoice(choice: { type?: unknown; name?: unknown }): unknown {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      return typeof choice.name === 'string'
        ? { type: 'function', function: { name: choice.name } }
        : undefined;
    default:
      return undefined;
  }
}
