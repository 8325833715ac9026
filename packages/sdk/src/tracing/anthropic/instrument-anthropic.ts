import { getDefaultCairn } from '../../fluent/default-cairn.js';
import { instrumentMethod } from '../instrumentation/instrument-method.js';
import type { InstrumentOptions } from '../instrumentation/instrument-options.js';
import type { LlmCallSpec } from '../instrumentation/llm-call-spec.js';
import { recordUsageAndModel } from '../instrumentation/token-usage.js';
import { SpanType } from '../span-type.js';
import { AnthropicStreamRecorder } from './anthropic-stream.js';

const messages: LlmCallSpec = {
  name: 'anthropic.messages',
  spanType: SpanType.CHAT_MODEL,
  provider: 'anthropic',
  isStream: (request) => (request as { stream?: unknown } | undefined)?.stream === true,
  recordResult(span, result) {
    const message = result as { model?: string; usage?: unknown };
    span.setOutputs(result);
    recordUsageAndModel(span, message?.usage, message?.model);
  },
  streamRecorder: () => new AnthropicStreamRecorder(),
};

/**
 * Traces an `@anthropic-ai/sdk` client in place and returns it: `messages.create` (streamed or
 * not, and so `messages.stream()`, which calls it) becomes a CHAT_MODEL span with the request as
 * inputs and the message, token usage and time to first token as outputs. Anything that is not
 * an Anthropic client is returned untouched.
 *
 * @example
 * import Anthropic from '@anthropic-ai/sdk';
 * import { instrumentAnthropic } from '@cairn/sdk/anthropic';
 * const anthropic = instrumentAnthropic(new Anthropic());
 */
export function instrumentAnthropic<T>(client: T, options: InstrumentOptions = {}): T {
  if (client === null || typeof client !== 'object') return client;
  const tracer = () => options.tracer ?? getDefaultCairn().tracer;
  instrumentMethod((client as { messages?: unknown }).messages, 'create', messages, tracer);
  return client;
}
