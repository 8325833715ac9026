import {
  costOf,
  type LinkedPrompt,
  linkedPromptsOf,
  linkedPromptsTag,
  type PriceCatalogue,
  parseLinkedPrompts,
} from '@cairn/spec';

/** MLflow's span types; other strings are kept as given (MLflow allows custom types). */
export const spanTypes = [
  'CHAT_MODEL',
  'LLM',
  'RETRIEVER',
  'RERANKER',
  'EMBEDDING',
  'TOOL',
  'AGENT',
  'CHAIN',
  'PARSER',
  'MEMORY',
  'UNKNOWN',
] as const;

/** Token counts of one span. */
export interface SpanUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

/** What a span means, whichever convention its attributes follow. */
export interface SpanSemantics {
  spanType: string;
  model: string | null;
  usage: SpanUsage | null;
  /** USD; from `mlflow.llm.cost` when the sender priced it, else from the price catalogue. */
  cost: number | null;
  /** Undefined when the span carries no inputs (outputs alike). */
  inputs: unknown;
  outputs: unknown;
  /** MLflow's `mlflow.traceRequestId`, which names the trace when present. */
  requestId: string | null;
  session: string | null;
  user: string | null;
  /**
   * Trace tags the span carries (`cairn.trace.tags`, a JSON object), e.g. `mlflow.traceName`;
   * `mlflow.linkedPrompts` is not among them (see `linkedPrompts`).
   */
  traceTags: Record<string, string> | null;
  /**
   * Prompt versions the span links: that key of its trace tags, then MLflow's
   * `mlflow.linkedPrompts` span attribute (JSON text or decoded); invalid values are ignored.
   * Added to the trace's stored tag, never replacing it.
   */
  linkedPrompts: LinkedPrompt[] | null;
  /** Trace metadata the span carries (`cairn.trace.metadata`), e.g. `mlflow.sourceRun`. */
  traceMetadata: Record<string, string> | null;
}

/** The span attribute carrying trace tags as a JSON object (Cairn's SDK writes it). */
export const traceTagsAttribute = 'cairn.trace.tags';
/** The span attribute carrying trace metadata as a JSON object (Cairn's SDK writes it). */
export const traceMetadataAttribute = 'cairn.trace.metadata';

const openInferenceKinds: Record<string, string> = {
  LLM: 'LLM',
  CHAIN: 'CHAIN',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  EMBEDDING: 'EMBEDDING',
  TOOL: 'TOOL',
  AGENT: 'AGENT',
  GUARDRAIL: 'UNKNOWN',
  EVALUATOR: 'UNKNOWN',
};

// gen_ai.operation.name values of the OpenTelemetry GenAI conventions.
const genAiOperations: Record<string, string> = {
  chat: 'CHAT_MODEL',
  text_completion: 'LLM',
  generate_content: 'LLM',
  embeddings: 'EMBEDDING',
  execute_tool: 'TOOL',
  invoke_agent: 'AGENT',
  create_agent: 'AGENT',
  retrieval: 'RETRIEVER',
};

// The Vercel AI SDK names its spans by operation (`ai.operationId`).
const vercelOperations: Record<string, string> = {
  'ai.generateText': 'CHAIN',
  'ai.streamText': 'CHAIN',
  'ai.generateObject': 'CHAIN',
  'ai.streamObject': 'CHAIN',
  'ai.generateText.doGenerate': 'CHAT_MODEL',
  'ai.streamText.doStream': 'CHAT_MODEL',
  'ai.generateObject.doGenerate': 'CHAT_MODEL',
  'ai.streamObject.doStream': 'CHAT_MODEL',
  'ai.embed': 'EMBEDDING',
  'ai.embedMany': 'EMBEDDING',
  'ai.embed.doEmbed': 'EMBEDDING',
  'ai.embedMany.doEmbed': 'EMBEDDING',
  'ai.toolCall': 'TOOL',
};

/**
 * Reads a span's type, model, token usage, cost, inputs and outputs from MLflow's own attributes
 * (`mlflow.spanType`, `mlflow.spanInputs`, `mlflow.chat.tokenUsage`, …), OpenInference
 * (`openinference.span.kind`, `llm.*`, `input.value`) and the OpenTelemetry GenAI conventions
 * (`gen_ai.*`), in that order of precedence, so spans from any instrumentation mean the same.
 * `attributes` holds decoded values (MLflow's JSON-encoded strings already parsed).
 */
export function spanSemantics(
  attributes: Record<string, unknown>,
  prices?: PriceCatalogue,
): SpanSemantics {
  const model =
    stringOf(attributes['mlflow.llm.model']) ??
    stringOf(attributes['gen_ai.response.model']) ??
    stringOf(attributes['gen_ai.request.model']) ??
    stringOf(attributes['llm.model_name']) ??
    stringOf(attributes['ai.model.id']) ??
    stringOf(attributes['ai.response.model']) ??
    null;
  // The Vercel AI SDK repeats its model calls' usage on the enclosing ai.generateText/ai.embed/…
  // span; counting it there as well would double the trace's tokens and cost.
  const usage = isVercelSummarySpan(attributes) ? null : usageOf(attributes);
  const traceTags = stringMapOf(attributes[traceTagsAttribute]);
  return {
    spanType: spanTypeOf(attributes, model),
    model,
    usage,
    cost: costFrom(attributes, model, usage, prices),
    inputs: firstDefined(attributes, [
      'mlflow.spanInputs',
      'input.value',
      'gen_ai.input.messages',
      'gen_ai.prompt',
      'ai.prompt.messages',
      'ai.prompt',
      'ai.value',
      'ai.values',
      'ai.toolCall.args',
    ]),
    outputs: firstDefined(attributes, [
      'mlflow.spanOutputs',
      'output.value',
      'gen_ai.output.messages',
      'gen_ai.completion',
      'ai.response.text',
      'ai.response.object',
      'ai.embedding',
      'ai.toolCall.result',
    ]),
    requestId: stringOf(attributes['mlflow.traceRequestId']),
    session:
      stringOf(attributes['mlflow.trace.session']) ??
      stringOf(attributes['session.id']) ??
      stringOf(attributes['gen_ai.conversation.id']),
    user: stringOf(attributes['mlflow.trace.user']) ?? stringOf(attributes['user.id']),
    linkedPrompts: takeLinkedPrompts(attributes, traceTags),
    traceTags,
    traceMetadata: stringMapOf(attributes[traceMetadataAttribute]),
  };
}

/**
 * The prompt versions a span links, taken out of its trace `tags` (which lose that key), then
 * from its `mlflow.linkedPrompts` attribute; null when it links none (most spans: two lookups).
 */
function takeLinkedPrompts(
  attributes: Record<string, unknown>,
  tags: Record<string, string> | null,
): LinkedPrompt[] | null {
  const fromTags = tags?.[linkedPromptsTag];
  const attribute = attributes[linkedPromptsTag];
  if (fromTags === undefined && (attribute === undefined || attribute === null)) return null;
  const prompts: LinkedPrompt[] = [];
  if (fromTags !== undefined) {
    prompts.push(...(parseLinkedPrompts(fromTags) ?? []));
    delete tags![linkedPromptsTag];
  }
  const fromAttribute =
    typeof attribute === 'string' ? parseLinkedPrompts(attribute) : linkedPromptsOf(attribute);
  prompts.push(...(fromAttribute ?? []));
  return prompts.length > 0 ? prompts : null;
}

/**
 * A string-to-string map from an attribute holding a JSON object (as text, or as an OTLP kvlist);
 * non-string values become their JSON text. Anything else is ignored.
 */
function stringMapOf(value: unknown): Record<string, string> | null {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return null;
  const map: Record<string, string> = {};
  let empty = true;
  for (const [key, item] of Object.entries(object)) {
    if (key === '' || item === null || item === undefined) continue;
    map[key] = typeof item === 'string' ? item : JSON.stringify(item);
    empty = false;
  }
  return empty ? null : map;
}

function spanTypeOf(attributes: Record<string, unknown>, model: string | null): string {
  const mlflowType = stringOf(attributes['mlflow.spanType']);
  if (mlflowType) return mlflowType;
  const openInference = stringOf(attributes['openinference.span.kind']);
  if (openInference) return openInferenceKinds[openInference.toUpperCase()] ?? 'UNKNOWN';
  const operation = stringOf(attributes['gen_ai.operation.name']);
  if (operation && genAiOperations[operation]) return genAiOperations[operation];
  const vercel = stringOf(attributes['ai.operationId']);
  if (vercel && vercelOperations[vercel]) return vercelOperations[vercel];
  if (model !== null && (attributes['gen_ai.system'] !== undefined || operation))
    return 'CHAT_MODEL';
  return 'UNKNOWN';
}

function isVercelSummarySpan(attributes: Record<string, unknown>): boolean {
  const operation = stringOf(attributes['ai.operationId']);
  return (
    operation !== null &&
    operation in vercelOperations &&
    operation !== 'ai.toolCall' &&
    !/\.do[A-Z]/.test(operation)
  );
}

function usageOf(attributes: Record<string, unknown>): SpanUsage | null {
  const mlflowUsage = attributes['mlflow.chat.tokenUsage'];
  if (mlflowUsage && typeof mlflowUsage === 'object') {
    const record = mlflowUsage as Record<string, unknown>;
    return complete(
      numberOf(record.input_tokens),
      numberOf(record.output_tokens),
      numberOf(record.total_tokens),
    );
  }
  return complete(
    numberOf(attributes['gen_ai.usage.input_tokens']) ??
      numberOf(attributes['gen_ai.usage.prompt_tokens']) ??
      numberOf(attributes['llm.token_count.prompt']) ??
      numberOf(attributes['ai.usage.inputTokens']) ??
      numberOf(attributes['ai.usage.promptTokens']),
    numberOf(attributes['gen_ai.usage.output_tokens']) ??
      numberOf(attributes['gen_ai.usage.completion_tokens']) ??
      numberOf(attributes['llm.token_count.completion']) ??
      numberOf(attributes['ai.usage.outputTokens']) ??
      numberOf(attributes['ai.usage.completionTokens']),
    numberOf(attributes['gen_ai.usage.total_tokens']) ??
      numberOf(attributes['llm.token_count.total']) ??
      numberOf(attributes['ai.usage.totalTokens']),
  );
}

function complete(input?: number, output?: number, total?: number): SpanUsage | null {
  if (input === undefined && output === undefined && total === undefined) return null;
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return { inputTokens, outputTokens, totalTokens: total ?? inputTokens + outputTokens };
}

function costFrom(
  attributes: Record<string, unknown>,
  model: string | null,
  usage: SpanUsage | null,
  prices?: PriceCatalogue,
): number | null {
  const given = attributes['mlflow.llm.cost'];
  if (given && typeof given === 'object') {
    // USD amounts are fractions: not numberOf, which truncates token counts to integers.
    const raw = (given as Record<string, unknown>).total_cost;
    const total = typeof raw === 'string' && raw !== '' ? Number(raw) : raw;
    if (typeof total === 'number' && Number.isFinite(total) && total >= 0) return total;
  }
  if (model === null || usage === null) return null;
  return (
    costOf(
      model,
      { promptTokens: usage.inputTokens, completionTokens: usage.outputTokens },
      prices,
    ) ?? null
  );
}

function firstDefined(attributes: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function stringOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function numberOf(value: unknown): number | undefined {
  const number = typeof value === 'string' && value !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0
    ? Math.trunc(number)
    : undefined;
}
