import type { GuardrailsConfig } from '../config/gateway-config.js';
import { GatewayError } from '../gateway-error.js';
import { estimatePromptTokens } from '../routing/order-targets.js';

const piiPatterns: [RegExp, string][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[REDACTED_EMAIL]'],
  [/\b(?:\d[ -]?){13,19}\b/g, '[REDACTED_CARD]'],
  [/\b\d{3}-\d{2}-\d{4}\b/g, '[REDACTED_SSN]'],
  [/(?<![\w])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]\d{3,4}[ .-]?\d{3,4}\b/g, '[REDACTED_PHONE]'],
];

/** Replaces e-mail addresses, card, social-security and phone numbers in `text`. */
export function redactPii(text: string): string {
  let out = text;
  for (const [pattern, replacement] of piiPatterns) out = out.replace(pattern, replacement);
  return out;
}

/** Applies `redact` to every text of a chat/completion/embedding body or response, in a copy. */
export function mapTexts<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => mapTexts(item, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = textFields.has(key)
        ? mapTexts(item, redact)
        : containerFields.has(key)
          ? mapTexts(item, redact)
          : item;
    }
    return out as T;
  }
  return value;
}

/** Fields holding user or model text. */
const textFields = new Set(['content', 'text', 'prompt', 'input', 'arguments']);
/** Fields holding objects that hold text. */
const containerFields = new Set([
  'messages',
  'choices',
  'message',
  'delta',
  'function',
  'tool_calls',
]);

/** Every text of a body, joined, for deny-list checks. */
export function collectText(value: unknown): string {
  const parts: string[] = [];
  mapTexts(value, (text) => {
    parts.push(text);
    return text;
  });
  return parts.join('\n');
}

/**
 * Input checks before any provider is called: size limits and deny-list (400 on violation).
 * Returns the body to send, PII-redacted when configured.
 */
export function checkInput(
  guardrails: GuardrailsConfig,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  if (
    guardrails.maxTokens !== undefined &&
    typeof maxTokens === 'number' &&
    maxTokens > guardrails.maxTokens
  ) {
    throw new GatewayError(
      400,
      `max_tokens ${maxTokens} exceeds this route's limit of ${guardrails.maxTokens}.`,
      'invalid_request_error',
      'max_tokens_exceeded',
    );
  }
  if (guardrails.maxInputTokens !== undefined) {
    const estimate = estimatePromptTokens(body);
    if (estimate > guardrails.maxInputTokens) {
      throw new GatewayError(
        400,
        `The input is about ${estimate} tokens, over this route's limit of ${guardrails.maxInputTokens}.`,
        'invalid_request_error',
        'input_too_long',
      );
    }
  }
  if (guardrails.denyInput.length > 0) {
    const text = collectText(body);
    const hit = guardrails.denyInput.find((pattern) => matchesOnce(pattern, text));
    if (hit) {
      throw new GatewayError(
        400,
        `Request blocked by a guardrail: the input matches ${hit}.`,
        'guardrail_violation',
        'guardrail_input_denied',
      );
    }
  }
  return guardrails.redactPii ? mapTexts(body, redactPii) : body;
}

/** Output checks on a full response: deny-list (400) and PII redaction. */
export function checkOutput<T>(guardrails: GuardrailsConfig, response: T): T {
  if (guardrails.denyOutput.length > 0) {
    const text = collectText(response);
    const hit = guardrails.denyOutput.find((pattern) => matchesOnce(pattern, text));
    if (hit) {
      throw new GatewayError(
        400,
        `Response blocked by a guardrail: the output matches ${hit}.`,
        'guardrail_violation',
        'guardrail_output_denied',
      );
    }
  }
  return guardrails.redactPii ? mapTexts(response, redactPii) : response;
}

/** Tests without the statefulness of /g and /y patterns. */
export function matchesOnce(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
