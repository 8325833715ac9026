/**
 * What a `predict` function may return, read uniformly: a string; an OpenAI chat completion
 * (text, token usage and logprobs taken from it); or an object carrying the prediction under
 * `prediction`, `output`, `text` or `answer` with optional `usage` and `logprobs`.
 */

/** Token usage of one prediction. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** A prediction read from whatever `predict` returned. */
export interface PredictionOutput {
  prediction: unknown;
  usage?: TokenUsage;
  logprobs?: unknown;
}

const predictionKeys = ['prediction', 'output', 'text', 'answer'] as const;

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Reads OpenAI (`prompt_tokens`) or Anthropic/MLflow (`input_tokens`) usage. */
export function readUsage(value: unknown): TokenUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const usage = value as Record<string, unknown>;
  const input =
    numberOr(usage.prompt_tokens) ?? numberOr(usage.input_tokens) ?? numberOr(usage.inputTokens);
  const output =
    numberOr(usage.completion_tokens) ??
    numberOr(usage.output_tokens) ??
    numberOr(usage.outputTokens);
  if (input === undefined && output === undefined) return undefined;
  const total =
    numberOr(usage.total_tokens) ?? numberOr(usage.totalTokens) ?? (input ?? 0) + (output ?? 0);
  return { inputTokens: input ?? 0, outputTokens: output ?? 0, totalTokens: total };
}

function chatText(content: unknown): unknown {
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join('');
  }
  return content;
}

/**
 * Normalises a `predict` return value.
 *
 * @example readPredictionOutput({ output: 'Paris', usage: { prompt_tokens: 9, completion_tokens: 1 } })
 */
export function readPredictionOutput(value: unknown): PredictionOutput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { prediction: value };
  }
  const object = value as Record<string, unknown>;
  const usage = readUsage(object.usage);
  const choices = object.choices;
  if (
    Array.isArray(choices) &&
    choices.length > 0 &&
    choices[0] &&
    typeof choices[0] === 'object'
  ) {
    const choice = choices[0] as Record<string, unknown>;
    const message = choice.message as Record<string, unknown> | undefined;
    const prediction = message ? chatText(message.content) : choice.text;
    return {
      prediction,
      ...(usage ? { usage } : {}),
      ...(choice.logprobs ? { logprobs: choice.logprobs } : {}),
    };
  }
  const key = predictionKeys.find((name) => object[name] !== undefined);
  if (key === undefined) return { prediction: value, ...(usage ? { usage } : {}) };
  return {
    prediction: object[key],
    ...(usage ? { usage } : {}),
    ...(object.logprobs !== undefined ? { logprobs: object.logprobs } : {}),
  };
}
