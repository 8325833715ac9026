import type { ChatMessage } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { renderLlmText } from './chat-message.js';
import { countTokens, encodingForModel } from './count-tokens.js';

describe('encodingForModel', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'o200k_base', true],
    ['openai/gpt-4.1-mini', 'o200k_base', true],
    ['o3-mini', 'o200k_base', true],
    ['gpt-4', 'cl100k_base', true],
    ['gpt-3.5-turbo-0125', 'cl100k_base', true],
    ['claude-3-5-sonnet-20241022', 'cl100k_base', false],
    ['gemini-1.5-pro', 'o200k_base', false],
    ['mistral-large-latest', 'o200k_base', false],
  ])('%s → %s (exact: %s)', (model, encoding, exact) => {
    expect(encodingForModel(model)).toEqual({ encoding, exact });
  });
});

describe('countTokens', () => {
  it('counts text with the model family encoding', async () => {
    expect(await countTokens('gpt-4o', 'hello world')).toEqual({
      tokens: 2,
      encoding: 'o200k_base',
      accuracy: 'exact',
    });
    const claude = await countTokens('claude-3-haiku', 'hello world');
    expect(claude).toMatchObject({ tokens: 2, accuracy: 'approximate' });
    expect((await countTokens('gpt-4o', '')).tokens).toBe(0);
  });

  it('counts chat messages with per-message framing', async () => {
    // spec's ChatMessage (what the gateway speaks) is accepted as it is.
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You answer loan questions.' },
      { role: 'user', content: 'What is the rate on a 10000 loan?' },
    ];
    const framed = (await countTokens('gpt-4o', messages)).tokens;
    const contentOnly =
      (await countTokens('gpt-4o', 'You answer loan questions.')).tokens +
      (await countTokens('gpt-4o', 'What is the rate on a 10000 loan?')).tokens;
    // 3 per message + the role (1 token each here) + 3 priming the reply.
    expect(framed).toBe(contentOnly + 2 * (3 + 1) + 3);
  });

  it('treats special-token text as plain text instead of throwing', async () => {
    expect((await countTokens('gpt-4', '<|endoftext|>')).tokens).toBeGreaterThan(1);
  });
});

describe('renderLlmText', () => {
  it('renders chat messages readably', () => {
    expect(
      renderLlmText([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url' }] },
      ]),
    ).toBe('[system]\nBe brief.\n\n[user]\nHi\n[image_url]');
    expect(renderLlmText('plain')).toBe('plain');
  });
});
