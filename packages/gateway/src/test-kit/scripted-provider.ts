// An in-test Provider (our own interface) whose answers a test scripts call by call.
import type { ChatChunk, ChatRequest, ChatResponse } from '@cairn/spec';
import { type Provider, ProviderError } from '../providers/provider.js';
import type { CancelSignal } from '../transport/cancel-signal.js';

/** One scripted answer: a text, a ProviderError, or a hang until aborted. */
export type ScriptedAnswer = string | { status: number; retryAfterMs?: number } | 'hang';

/** A provider answering from `script` (the last entry repeats); records each call's time. */
export function scriptedProvider(
  id: string,
  script: ScriptedAnswer[],
): Provider & { calls: number[] } {
  const calls: number[] = [];
  const next = (): ScriptedAnswer => script[Math.min(calls.length - 1, script.length - 1)]!;
  const respond = async (request: ChatRequest, signal?: CancelSignal): Promise<ChatResponse> => {
    calls.push(Date.now());
    const answer = next();
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (typeof answer !== 'string') {
      throw new ProviderError(id, `scripted ${answer.status}`, {
        status: answer.status,
        ...(answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}),
      });
    }
    return {
      id: 'scripted',
      object: 'chat.completion',
      created: 0,
      model: request.model ?? id,
      choices: [
        { index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
  };
  return {
    id,
    model: id,
    calls,
    chat: (request, options) => respond(request, options?.signal),
    async *chatStream(request, options): AsyncGenerator<ChatChunk> {
      const response = await respond(request, options?.signal);
      yield {
        id: 'scripted',
        object: 'chat.completion.chunk',
        created: 0,
        model: response.model,
        choices: [
          {
            index: 0,
            delta: { content: String(response.choices[0]!.message.content) },
            finish_reason: 'stop',
          },
        ],
      };
    },
  };
}
