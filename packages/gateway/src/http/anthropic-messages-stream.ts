import type { ChatChunk, Usage } from '@cairn/spec';
import { anthropicStopReason } from '../providers/anthropic/anthropic-mapping.js';

/** One event of a streamed Messages API response; `type` is also the SSE `event:` name. */
export type MessageStreamEvent = { type: string } & Record<string, unknown>;

/** An OpenAI tool-call delta: an index, and the id and name only on its first chunk. */
interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Translates a route's chat chunks into the Messages API's event sequence: message_start, then
 * per content block content_block_start / content_block_delta (text_delta or input_json_delta) /
 * content_block_stop, then message_delta (stop reason and usage, known only at the end of an
 * OpenAI stream) and message_stop. The chunks must end with a usage chunk (`include_usage`).
 *
 * @example
 * for await (const event of messageEvents(result.chunks, 'msg_0123', 'chat')) write(event);
 */
export async function* messageEvents(
  chunks: AsyncIterable<unknown>,
  id: string,
  route: string,
): AsyncGenerator<MessageStreamEvent> {
  let started = false;
  // Anthropic numbers every content block; OpenAI numbers only the tool calls.
  let blockIndex = -1;
  let openBlock: 'text' | 'tool_use' | undefined;
  const blockByToolIndex = new Map<number, number>();
  let finishReason: string | null | undefined;
  let usage: Usage | undefined;
  const start = (model: string): MessageStreamEvent => {
    started = true;
    return {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // Chat streams count tokens only at the end; message_delta carries the real numbers.
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    };
  };
  const closeBlock = (): MessageStreamEvent | undefined => {
    if (!openBlock) return undefined;
    openBlock = undefined;
    return { type: 'content_block_stop', index: blockIndex };
  };

  for await (const value of chunks) {
    const chunk = value as ChatChunk;
    if (!started) yield start(chunk.model || route);
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.find((candidate) => candidate.index === 0);
    if (!choice) continue;
    const text = choice.delta?.content;
    if (typeof text === 'string' && text !== '') {
      if (openBlock !== 'text') {
        const stop = closeBlock();
        if (stop) yield stop;
        blockIndex++;
        openBlock = 'text';
        yield {
          type: 'content_block_start',
          index: blockIndex,
          content_block: { type: 'text', text: '' },
        };
      }
      yield { type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text } };
    }
    for (const call of (choice.delta?.tool_calls ?? []) as ToolCallDelta[]) {
      const toolIndex = call.index ?? 0;
      let index = blockByToolIndex.get(toolIndex);
      if (index === undefined) {
        const stop = closeBlock();
        if (stop) yield stop;
        index = ++blockIndex;
        blockByToolIndex.set(toolIndex, index);
        openBlock = 'tool_use';
        yield {
          type: 'content_block_start',
          index,
          content_block: {
            type: 'tool_use',
            id: call.id ?? '',
            name: call.function?.name ?? '',
            input: {},
          },
        };
      }
      const partial = call.function?.arguments;
      if (partial) {
        yield {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: partial },
        };
      }
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (!started) yield start(route);
  const stop = closeBlock();
  if (stop) yield stop;
  yield {
    type: 'message_delta',
    delta: { stop_reason: anthropicStopReason(finishReason), stop_sequence: null },
    usage: {
      input_tokens: usage?.prompt_tokens ?? 0,
      output_tokens: usage?.completion_tokens ?? 0,
    },
  };
  yield { type: 'message_stop' };
}
