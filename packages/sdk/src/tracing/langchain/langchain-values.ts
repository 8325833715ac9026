// Plain-JSON views of LangChain objects, read structurally so that `@langchain/core` is never
// imported: messages, generations and documents become what a reader of the trace expects.

/** A LangChain message as role/content (tool calls kept). */
export function chatMessageOf(message: unknown): unknown {
  if (message === null || typeof message !== 'object') return message;
  const value = message as {
    content?: unknown;
    tool_calls?: unknown[];
    name?: string;
    _getType?: () => string;
    getType?: () => string;
    type?: string;
  };
  const type = safeCall(value.getType) ?? safeCall(value._getType) ?? value.type ?? 'unknown';
  const roles: Record<string, string> = {
    human: 'user',
    ai: 'assistant',
    system: 'system',
    tool: 'tool',
  };
  const result: Record<string, unknown> = { role: roles[type] ?? type, content: value.content };
  if (Array.isArray(value.tool_calls) && value.tool_calls.length > 0)
    result.tool_calls = value.tool_calls;
  if (value.name) result.name = value.name;
  return result;
}

function safeCall(method: (() => string) | undefined): string | undefined {
  try {
    return typeof method === 'function' ? method() : undefined;
  } catch {
    return undefined;
  }
}

interface Generation {
  text?: string;
  message?: { usage_metadata?: unknown; response_metadata?: Record<string, unknown> };
}

/** LangChain's LLMResult, structurally. */
export interface LlmResultLike {
  generations?: unknown[][];
  llmOutput?: Record<string, unknown>;
}

/** An LLMResult's generations: messages for chat models, texts for LLMs. */
export function generationsOf(output: LlmResultLike): unknown {
  const generations = ((output.generations ?? []) as Generation[][]).map((batch) =>
    batch.map((generation) =>
      generation.message ? chatMessageOf(generation.message) : generation.text,
    ),
  );
  return generations.length === 1 && generations[0]?.length === 1 ? generations[0][0] : generations;
}

/** Token usage of an LLMResult: `llmOutput.tokenUsage`, else the messages' `usage_metadata`. */
export function usageOf(
  output: LlmResultLike,
): { input_tokens: number; output_tokens: number; total_tokens?: number } | undefined {
  const legacy = (output.llmOutput?.tokenUsage ?? output.llmOutput?.estimatedTokenUsage) as
    | { promptTokens?: number; completionTokens?: number; totalTokens?: number }
    | undefined;
  if (legacy && typeof legacy.promptTokens === 'number') {
    return {
      input_tokens: legacy.promptTokens,
      output_tokens: legacy.completionTokens ?? 0,
      total_tokens: legacy.totalTokens,
    };
  }
  let input = 0;
  let outputTokens = 0;
  let found = false;
  for (const batch of (output.generations ?? []) as Generation[][]) {
    for (const generation of batch) {
      const usage = generation.message?.usage_metadata as
        | { input_tokens?: number; output_tokens?: number }
        | undefined;
      if (usage && typeof usage.input_tokens === 'number') {
        found = true;
        input += usage.input_tokens;
        outputTokens += usage.output_tokens ?? 0;
      }
    }
  }
  return found ? { input_tokens: input, output_tokens: outputTokens } : undefined;
}

/** Documents as `{ page_content, metadata, id }`, MLflow's retriever output shape. */
export function documentsOf(documents: unknown): unknown {
  if (!Array.isArray(documents)) return documents;
  return documents.map((document: { pageContent?: unknown; metadata?: unknown; id?: unknown }) => ({
    page_content: document?.pageContent,
    metadata: document?.metadata ?? {},
    ...(document?.id !== undefined ? { id: document.id } : {}),
  }));
}

/** A tool's or chain's value, with messages flattened (ToolMessage → its content). */
export function plainValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainValue);
  if (value !== null && typeof value === 'object') {
    const candidate = value as { lc_namespace?: unknown; content?: unknown; _getType?: unknown };
    if (typeof candidate._getType === 'function' && 'content' in candidate)
      return chatMessageOf(value);
    if (Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, plainValue(item)]),
      );
    }
  }
  return value;
}
