import type { StreamRecorder } from '../instrumentation/llm-call-spec.js';
import { recordUsageAndModel } from '../instrumentation/token-usage.js';
import type { Span } from '../live-span.js';

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface ChoiceDelta {
  index?: number;
  delta?: {
    role?: string;
    content?: string | null;
    refusal?: string | null;
    tool_calls?: ToolCallDelta[];
  };
  finish_reason?: string | null;
}
interface ChatChunk {
  id?: string;
  model?: string;
  created?: number;
  choices?: ChoiceDelta[];
  usage?: unknown;
}
interface Choice {
  index: number;
  message: {
    role: string;
    content: string | null;
    tool_calls?: { id?: string; type: string; function: { name: string; arguments: string } }[];
  };
  finish_reason: string | null;
}

/**
 * Rebuilds a `chat.completion` from `chat.completion.chunk`s, so that a streamed call records the
 * same outputs as a plain one; usage comes from the final chunk (`stream_options.include_usage`).
 */
export class OpenAIChatStreamRecorder implements StreamRecorder {
  private id: string | undefined;
  private model: string | undefined;
  private created: number | undefined;
  private usage: unknown;
  private readonly choices = new Map<number, Choice>();

  add(value: unknown): boolean {
    const chunk = value as ChatChunk;
    this.id ??= chunk.id;
    this.model ??= chunk.model;
    this.created ??= chunk.created;
    if (chunk.usage) this.usage = chunk.usage;
    let content = false;
    for (const delta of chunk.choices ?? []) {
      const index = delta.index ?? 0;
      let choice = this.choices.get(index);
      if (!choice) {
        choice = { index, message: { role: 'assistant', content: null }, finish_reason: null };
        this.choices.set(index, choice);
      }
      const message = choice.message;
      if (delta.delta?.role) message.role = delta.delta.role;
      const text = delta.delta?.content ?? delta.delta?.refusal;
      if (typeof text === 'string' && text !== '') {
        message.content = (message.content ?? '') + text;
        content = true;
      }
      for (const call of delta.delta?.tool_calls ?? []) {
        content = true;
        message.tool_calls ??= [];
        const slot = call.index ?? message.tool_calls.length;
        const existing = message.tool_calls[slot] ?? {
          type: call.type ?? 'function',
          function: { name: '', arguments: '' },
        };
        if (call.id) existing.id = call.id;
        existing.function.name += call.function?.name ?? '';
        existing.function.arguments += call.function?.arguments ?? '';
        message.tool_calls[slot] = existing;
      }
      if (delta.finish_reason) choice.finish_reason = delta.finish_reason;
    }
    return content;
  }

  finish(span: Span): void {
    span.setOutputs({
      id: this.id,
      object: 'chat.completion',
      created: this.created,
      model: this.model,
      choices: [...this.choices.values()].sort((a, b) => a.index - b.index),
      ...(this.usage ? { usage: this.usage } : {}),
    });
    recordUsageAndModel(span, this.usage, this.model);
  }
}
