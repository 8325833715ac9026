import { describe, expect, it } from 'vitest';
import { GatewayError } from '../gateway-error.js';
import { chatRequestFromMessages } from './anthropic-messages-request.js';

const base = { model: 'chat', max_tokens: 100 };

describe('chatRequestFromMessages', () => {
  it('translates a whole tool-use conversation into chat messages', () => {
    const request = chatRequestFromMessages({
      ...base,
      system: [
        { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Use tools.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/sky.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'they want weather', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: '4C' }],
            },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
        { role: 'assistant', content: 'Also cold.' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
      tools: [
        {
          name: 'weather',
          description: 'Current weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'tool', name: 'weather', disable_parallel_tool_use: true },
    });
    expect(request).toEqual({
      model: 'chat',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'Be brief.\n\nUse tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather here?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
            { type: 'image_url', image_url: { url: 'https://example.com/sky.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'toolu_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '4C' },
        { role: 'user', content: 'And tomorrow?' },
        { role: 'assistant', content: 'Also cold.' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      user: 'user-7',
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
    });
  });

  it('asks a streamed route for its usage chunk and maps every tool_choice type', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    expect(chatRequestFromMessages({ ...base, messages, stream: true, system: 'S' })).toEqual({
      model: 'chat',
      max_tokens: 100,
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (type: string) =>
      chatRequestFromMessages({ ...base, messages, tools, tool_choice: { type } }).tool_choice;
    expect([choice('auto'), choice('any'), choice('none')]).toEqual(['auto', 'required', 'none']);
  });

  it('keeps an assistant turn of only tool calls, and a user turn of only tool results', () => {
    const request = chatRequestFromMessages({
      ...base,
      messages: [
        { role: 'user', content: 'add' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'a', name: 'add', input: { x: 1 } },
            { type: 'tool_use', id: 'b', name: 'add', input: { x: 2 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'a', content: '1' },
            { type: 'tool_result', tool_use_id: 'b', is_error: true },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'add', arguments: '{"x":1}' } },
          { id: 'b', type: 'function', function: { name: 'add', arguments: '{"x":2}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '' },
    ]);
  });

  it.each([
    [{ max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, /^model:/],
    [{ model: 'chat', messages: [{ role: 'user', content: 'x' }] }, /^max_tokens:/],
    [{ ...base, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] }, /^max_tokens:/],
    [{ ...base, messages: [] }, /^messages:/],
    [{ ...base, messages: [{ role: 'system', content: 'x' }] }, /^messages\.0\.role:/],
    [
      {
        ...base,
        messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }],
      },
      /^messages\.0\.content\.0: unsupported content block type 'document'/,
    ],
    [
      {
        ...base,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file' } }] }],
      },
      /^messages\.0\.content\.0\.source:/,
    ],
    [
      {
        ...base,
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
      },
      /^tools\.0: server tool type 'web_search_20250305' is not supported/,
    ],
    [
      { ...base, messages: [{ role: 'user', content: 'x' }], tool_choice: { type: 'maybe' } },
      /^tool_choice:/,
    ],
    [{ ...base, messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, /^stream:/],
    [{ ...base, messages: [{ role: 'user', content: 'x' }], stop_sequences: 'END' }, /^stop_/],
    [
      { ...base, messages: [{ role: 'user', content: 'x' }], system: [{ type: 'image' }] },
      /^system/,
    ],
  ])('refuses a malformed request with a 400 naming the field (%#)', (body, message) => {
    let caught: unknown;
    try {
      chatRequestFromMessages(body as Record<string, unknown>);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect(caught).toMatchObject({ status: 400, type: 'invalid_request_error' });
    expect((caught as Error).message).toMatch(message);
  });
});
