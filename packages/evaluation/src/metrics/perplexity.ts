/**
 * Perplexity of generated text from the token log-probabilities the model returned
 * (OpenAI-compatible `choices[].logprobs.content[].logprob`): exp(−mean log p).
 */
import type { ChatResponse, TokenLogprob } from '@cairn/spec';

/** Log-probabilities as a plain list, an OpenAI `logprobs` object, or a whole chat response. */
export type LogprobsInput =
  | readonly number[]
  | { content: readonly TokenLogprob[] | null }
  | Pick<ChatResponse, 'choices'>;

/** Extracts the list of log-probabilities, or undefined when there are none. */
export function logprobValues(input: unknown): number[] | undefined {
  if (Array.isArray(input)) {
    return input.every((value) => typeof value === 'number') ? (input as number[]) : undefined;
  }
  if (typeof input !== 'object' || input === null) return undefined;
  if ('choices' in input && Array.isArray(input.choices)) {
    return logprobValues((input.choices[0] as { logprobs?: unknown } | undefined)?.logprobs);
  }
  if ('content' in input && Array.isArray(input.content)) {
    const values = (input.content as { logprob?: unknown }[]).map((token) => token.logprob);
    return values.every((value) => typeof value === 'number') ? (values as number[]) : undefined;
  }
  return undefined;
}

/**
 * exp(−mean log-probability) over the generated tokens; throws when there are none.
 *
 * @example perplexity([Math.log(0.5), Math.log(0.5)]) // 2
 */
export function perplexity(logprobs: LogprobsInput): number {
  const values = logprobValues(logprobs);
  if (values === undefined || values.length === 0) {
    throw new Error('perplexity needs token log-probabilities (request logprobs: true)');
  }
  let sum = 0;
  for (const value of values) sum += value;
  return Math.exp(-sum / values.length);
}
