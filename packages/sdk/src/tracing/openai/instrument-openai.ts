import { getDefaultCairn } from '../../fluent/default-cairn.js';
import { instrumentMethod } from '../instrumentation/instrument-method.js';
import type { InstrumentOptions } from '../instrumentation/instrument-options.js';
import type { LlmCallSpec } from '../instrumentation/llm-call-spec.js';
import { recordUsageAndModel } from '../instrumentation/token-usage.js';
import { SpanType } from '../span-type.js';
import { OpenAIChatStreamRecorder } from './openai-chat-stream.js';
import { OpenAIResponsesStreamRecorder } from './openai-responses-stream.js';

const isStream = (request: unknown) =>
  (request as { stream?: unknown } | undefined)?.stream === true;

const chatCompletions: LlmCallSpec = {
  name: 'openai.chat.completions',
  spanType: SpanType.CHAT_MODEL,
  provider: 'openai',
  isStream,
  recordResult(span, result) {
    const completion = result as { model?: string; usage?: unknown };
    span.setOutputs(result);
    recordUsageAndModel(span, completion?.usage, completion?.model);
  },
  streamRecorder: () => new OpenAIChatStreamRecorder(),
};

const responses: LlmCallSpec = {
  name: 'openai.responses',
  spanType: SpanType.CHAT_MODEL,
  provider: 'openai',
  isStream,
  recordResult: chatCompletions.recordResult,
  streamRecorder: () => new OpenAIResponsesStreamRecorder(),
};

const embeddings: LlmCallSpec = {
  name: 'openai.embeddings',
  spanType: SpanType.EMBEDDING,
  provider: 'openai',
  isStream: () => false,
  recordResult(span, result) {
    const answer = result as { model?: string; usage?: unknown; data?: { embedding?: unknown }[] };
    // Vectors are large and say little to a reader: record their count and size instead.
    const first = answer?.data?.[0]?.embedding as { length?: unknown } | undefined;
    span.setOutputs({
      count: answer?.data?.length ?? 0,
      dimensions: typeof first?.length === 'number' ? first.length : undefined,
    });
    recordUsageAndModel(span, answer?.usage, answer?.model);
  },
  streamRecorder: () => {
    throw new Error('embeddings do not stream');
  },
};

/**
 * Traces an official `openai` client in place and returns it: `chat.completions.create`
 * (streamed or not: outputs, token usage from the final chunk, time to first token),
 * `responses.create` and `embeddings.create` each become a span (CHAT_MODEL or EMBEDDING) with
 * the request as inputs. Anything that is not an OpenAI client is returned untouched.
 *
 * @example
 * import OpenAI from 'openai';
 * import { instrumentOpenAI } from '@cairn/sdk/openai';
 * const openai = instrumentOpenAI(new OpenAI());
 */
export function instrumentOpenAI<T>(client: T, options: InstrumentOptions = {}): T {
  if (client === null || typeof client !== 'object') return client;
  const tracer = () => options.tracer ?? getDefaultCairn().tracer;
  const resources = client as {
    chat?: { completions?: unknown };
    responses?: unknown;
    embeddings?: unknown;
  };
  instrumentMethod(resources.chat?.completions, 'create', chatCompletions, tracer);
  instrumentMethod(resources.responses, 'create', responses, tracer);
  instrumentMethod(resources.embeddings, 'create', embeddings, tracer);
  return client;
}
