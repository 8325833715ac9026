import type { StreamRecorder } from '../instrumentation/llm-call-spec.js';
import { recordUsageAndModel } from '../instrumentation/token-usage.js';
import type { Span } from '../live-span.js';

interface ContentBlock {
  type: string;
  text?: string;
  input?: unknown;
  partial_json?: string;
  [key: string]: unknown;
}
interface MessageEvent {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; role?: string; usage?: Record<string, unknown> };
  content_block?: ContentBlock;
  delta?: {
    type?: string;
    text?: string;
    partial_json?: string;
    thinking?: string;
    stop_reason?: string;
  };
  usage?: Record<string, unknown>;
}

/** Rebuilds an Anthropic `message` from `messages.create({ stream: true })` events. */
export class AnthropicStreamRecorder implements StreamRecorder {
  private message: NonNullable<MessageEvent['message']> = {};
  private usage: Record<string, unknown> = {};
  private stopReason: string | undefined;
  private readonly blocks: ContentBlock[] = [];

  add(value: unknown): boolean {
    const event = value as MessageEvent;
    switch (event.type) {
      case 'message_start':
        this.message = event.message ?? {};
        Object.assign(this.usage, event.message?.usage);
        return false;
      case 'content_block_start':
        if (event.content_block)
          this.blocks[event.index ?? this.blocks.length] = { ...event.content_block };
        return false;
      case 'content_block_delta': {
        const block = this.blocks[event.index ?? 0];
        const delta = event.delta;
        if (!block || !delta) return false;
        if (typeof delta.text === 'string') block.text = (block.text ?? '') + delta.text;
        if (typeof delta.partial_json === 'string') {
          block.partial_json = (block.partial_json ?? '') + delta.partial_json;
        }
        if (typeof delta.thinking === 'string')
          block.thinking = `${block.thinking ?? ''}${delta.thinking}`;
        return true;
      }
      case 'content_block_stop': {
        const block = this.blocks[event.index ?? 0];
        if (block?.partial_json !== undefined) {
          try {
            block.input = JSON.parse(block.partial_json || '{}');
          } catch {
            block.input = block.partial_json;
          }
          delete block.partial_json;
        }
        return false;
      }
      case 'message_delta':
        if (event.delta?.stop_reason) this.stopReason = event.delta.stop_reason;
        // Later counts replace earlier ones: message_delta carries the final output count.
        for (const [key, count] of Object.entries(event.usage ?? {})) {
          if (count !== null && count !== undefined) this.usage[key] = count;
        }
        return false;
      default:
        return false;
    }
  }

  finish(span: Span): void {
    span.setOutputs({
      id: this.message.id,
      type: 'message',
      role: this.message.role ?? 'assistant',
      model: this.message.model,
      content: this.blocks.filter(Boolean),
      stop_reason: this.stopReason ?? null,
      usage: this.usage,
    });
    recordUsageAndModel(span, this.usage, this.message.model);
  }
}
