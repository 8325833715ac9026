import { getDefaultCairn } from '../../fluent/default-cairn.js';
import type { Span } from '../live-span.js';
import { activeSpan } from '../span-context.js';
import type { SpanTypeName } from '../span-type.js';
import { TraceAttribute } from '../trace-attributes.js';
import type { Tracer } from '../tracer.js';
import {
  chatMessageOf,
  documentsOf,
  generationsOf,
  type LlmResultLike,
  plainValue,
  usageOf,
} from './langchain-values.js';

/** LangChain's serialized description of a runnable (only what is read here). */
interface Serialized {
  id?: string[];
  name?: string;
}

/** Options of `CairnCallbackHandler`. */
export interface CairnCallbackHandlerOptions {
  /** Tracer receiving the spans; defaults to the default `Cairn`'s, looked up per run. */
  tracer?: Tracer;
}

/**
 * A LangChain.js callback handler turning runs into Cairn spans: chains CHAIN (output parsers
 * PARSER), LLMs LLM, chat models CHAT_MODEL (messages, output, token usage, model), retrievers
 * RETRIEVER (documents), tools TOOL. It has `BaseCallbackHandler`'s shape without importing
 * `@langchain/core`, so the SDK does not depend on it. Handlers are awaited inline
 * (`awaitHandlers`), which keeps a chain called inside `traced` code under that span.
 *
 * @example
 * import { CairnCallbackHandler } from '@cairn/sdk/langchain';
 * await chain.invoke(input, { callbacks: [new CairnCallbackHandler()] });
 */
export class CairnCallbackHandler {
  readonly name = 'cairn_callback_handler';
  readonly lc_serializable = false;
  ignoreLLM = false;
  ignoreChain = false;
  ignoreAgent = false;
  ignoreRetriever = false;
  ignoreCustomEvent = true;
  raiseError = false;
  awaitHandlers = true;
  private readonly tracer: () => Tracer;
  private readonly spans = new Map<string, Span>();
  private readonly streaming = new Set<string>();

  constructor(options: CairnCallbackHandlerOptions = {}) {
    this.tracer = () => options.tracer ?? getDefaultCairn().tracer;
  }

  /** LangChain copies handlers per child manager; runs must stay in one map, so this is shared. */
  copy(): this {
    return this;
  }

  // The argument order is the one LangChain's CallbackManager calls with (its BaseTracer's),
  // which differs from the abstract declaration: parentRunId comes fourth, runName eighth.
  handleChainStart(
    chain: Serialized,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): void {
    const isParser = chain?.id?.some((part) => part.includes('output_parser')) ?? false;
    const spanType = isParser ? 'PARSER' : 'CHAIN';
    this.start(
      runId,
      parentRunId,
      nameOf(chain, runName, 'chain'),
      spanType,
      plainValue(inputs),
      tags,
    );
  }

  handleChainEnd(outputs: unknown, runId: string): void {
    this.end(runId, plainValue(outputs));
  }

  handleChainError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    const inputs = prompts.length === 1 ? prompts[0] : prompts;
    const span = this.start(runId, parentRunId, nameOf(llm, runName, 'llm'), 'LLM', inputs, tags);
    describeModel(span, extraParams, metadata);
  }

  handleChatModelStart(
    llm: Serialized,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    const batches = messages.map((batch) => batch.map(chatMessageOf));
    const inputs = batches.length === 1 ? batches[0] : batches;
    const span = this.start(
      runId,
      parentRunId,
      nameOf(llm, runName, 'chat_model'),
      'CHAT_MODEL',
      inputs,
      tags,
    );
    describeModel(span, extraParams, metadata);
  }

  handleLLMNewToken(_token: string, _indices: unknown, runId: string): void {
    if (this.streaming.has(runId)) return;
    this.streaming.add(runId);
    this.spans.get(runId)?.addEvent('first_token');
  }

  handleLLMEnd(output: LlmResultLike, runId: string): void {
    const span = this.spans.get(runId);
    const usage = usageOf(output);
    if (span && usage) {
      span.setAttribute(TraceAttribute.tokenUsage, {
        ...usage,
        total_tokens: usage.total_tokens ?? usage.input_tokens + usage.output_tokens,
      });
    }
    this.end(runId, generationsOf(output));
  }

  handleLLMError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.start(runId, parentRunId, nameOf(tool, runName, 'tool'), 'TOOL', parsedInput(input), tags);
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.end(runId, plainValue(output));
  }

  handleToolError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleRetrieverStart(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    _metadata?: Record<string, unknown>,
    name?: string,
  ): void {
    this.start(runId, parentRunId, nameOf(retriever, name, 'retriever'), 'RETRIEVER', query, tags);
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.end(runId, documentsOf(documents));
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleAgentAction(action: unknown, runId: string): void {
    this.spans.get(runId)?.addEvent('agent_action', { action: JSON.stringify(plainValue(action)) });
  }

  handleAgentEnd(action: unknown, runId: string): void {
    this.spans.get(runId)?.addEvent('agent_finish', { result: JSON.stringify(plainValue(action)) });
  }

  private start(
    runId: string,
    parentRunId: string | undefined,
    name: string,
    spanType: SpanTypeName,
    inputs: unknown,
    tags: string[] | undefined,
  ): Span | undefined {
    try {
      // A run's parent is its LangChain parent; a top-level run nests under the active span.
      const parent = (parentRunId ? this.spans.get(parentRunId) : undefined) ?? activeSpan();
      const span = this.tracer().startSpan({ name, spanType, inputs, parent: parent ?? null });
      if (tags && tags.length > 0) span.setAttribute('langchain.tags', tags);
      this.spans.set(runId, span);
      return span;
    } catch {
      // Tracing never breaks the chain it observes.
      return undefined;
    }
  }

  private end(runId: string, outputs: unknown): void {
    const span = this.spans.get(runId);
    if (!span) return;
    this.spans.delete(runId);
    this.streaming.delete(runId);
    span.end({ outputs });
  }

  private fail(runId: string, error: unknown): void {
    const span = this.spans.get(runId);
    if (!span) return;
    this.spans.delete(runId);
    this.streaming.delete(runId);
    span.recordException(error);
    span.end();
  }
}

// LangChain hands structured tool input over as JSON text; record it as the object it was.
function parsedInput(input: string): unknown {
  if (!input.startsWith('{')) return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function nameOf(serialized: Serialized | undefined, runName: string | undefined, fallback: string) {
  return runName ?? serialized?.name ?? serialized?.id?.at(-1) ?? fallback;
}

function describeModel(
  span: Span | undefined,
  extraParams: Record<string, unknown> | undefined,
  metadata: Record<string, unknown> | undefined,
): void {
  if (!span) return;
  const invocation = (extraParams?.invocation_params ?? {}) as Record<string, unknown>;
  const model =
    invocation.model ?? invocation.model_name ?? invocation.modelName ?? metadata?.ls_model_name;
  if (typeof model === 'string') span.setAttribute(TraceAttribute.model, model);
  if (typeof metadata?.ls_provider === 'string')
    span.setAttribute(TraceAttribute.provider, metadata.ls_provider);
  if (Object.keys(invocation).length > 0)
    span.setAttribute('langchain.invocation_params', invocation);
}
