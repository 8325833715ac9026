import type { ChatResponse } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { messageFromChat } from './anthropic-messages-response.js';

const completion = (message: ChatResponse['choices'][0]['message'], finish: string | null) =>
  ({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message, finish_reason: finish }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  }) as ChatResponse;

describe('messageFromChat', () => {
  it('turns text and tool calls into content blocks, with stop reason and usage', () => {
    const message = messageFromChat(
      completion(
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Oslo"}' },
            },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":' },
            },
          ],
        },
        'tool_calls',
      ),
      'msg_1',
    );
    expect(message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Oslo' } },
        // Broken JSON from the model is handed over rather than failing the answer.
        { type: 'tool_use', id: 'call_2', name: 'weather', input: { arguments: '{"city":' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 7 },
    });
  });

  it.each([
    ['stop', 'end_turn'],
    ['length', 'max_tokens'],
    ['content_filter', 'refusal'],
    [null, 'end_turn'],
  ])('maps finish_reason %s to stop_reason %s', (finish, stop) => {
    const message = messageFromChat(completion({ role: 'assistant', content: '' }, finish), 'm');
    expect(message.stop_reason).toBe(stop);
    expect(message.content).toEqual([]);
  });
});
