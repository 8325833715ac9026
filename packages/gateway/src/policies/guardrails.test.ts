import { describe, expect, it } from 'vitest';
import type { GuardrailsConfig } from '../config/gateway-config.js';
import { checkInput, checkOutput, redactPii } from './guardrails.js';
import { cacheDirective, cacheKey } from './response-cache.js';

const guardrails: GuardrailsConfig = {
  denyInput: [/secret project/i],
  denyOutput: [/internal only/],
  redactPii: true,
  maxTokens: 100,
  maxInputTokens: 50,
};

describe('guardrails', () => {
  it('blocks denied input, too many max_tokens and oversized input with 400', () => {
    const ask =
      (content: string, extra: Record<string, unknown> = {}) =>
      () =>
        checkInput(guardrails, { messages: [{ role: 'user', content }], ...extra });
    expect(ask('tell me about the Secret Project')).toThrow(
      expect.objectContaining({ status: 400, code: 'guardrail_input_denied' }),
    );
    expect(ask('hi', { max_tokens: 101 })).toThrow(
      expect.objectContaining({ status: 400, code: 'max_tokens_exceeded' }),
    );
    expect(ask('x'.repeat(400))).toThrow(
      expect.objectContaining({ status: 400, code: 'input_too_long' }),
    );
    expect(ask('hi', { max_tokens: 100 })).not.toThrow();
  });

  it('redacts PII in inputs and outputs without touching other fields', () => {
    const body = checkInput(guardrails, {
      model: 'chat',
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'mail jane.doe@example.com or call +1 415-555-0100' }],
        },
      ],
    });
    expect(body).toEqual({
      model: 'chat',
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'mail [REDACTED_EMAIL] or call [REDACTED_PHONE]' }],
        },
      ],
    });
    expect(redactPii('card 4111 1111 1111 1111, ssn 123-45-6789')).toBe(
      'card [REDACTED_CARD], ssn [REDACTED_SSN]',
    );
    const response = checkOutput(guardrails, {
      choices: [{ message: { role: 'assistant', content: 'write to a@b.io' } }],
    });
    expect(response.choices[0]!.message.content).toBe('write to [REDACTED_EMAIL]');
    expect(() =>
      checkOutput(guardrails, { choices: [{ message: { content: 'internal only' } }] }),
    ).toThrow(expect.objectContaining({ status: 400, code: 'guardrail_output_denied' }));
  });
});

describe('response cache keys', () => {
  it('ignore key order and fields that do not change the answer', () => {
    const a = cacheKey('chat', 'chat', {
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      user: 'alice',
    });
    const b = cacheKey('chat', 'chat', {
      temperature: 0,
      messages: [{ content: 'hi', role: 'user' }],
      user: 'bob',
    });
    expect(a).toBe(b);
    expect(cacheKey('chat', 'chat', { messages: [], temperature: 1 })).not.toBe(
      cacheKey('chat', 'chat', { messages: [], temperature: 0 }),
    );
    expect(cacheKey('other', 'chat', { messages: [] })).not.toBe(
      cacheKey('chat', 'chat', { messages: [] }),
    );
  });

  it('read Cache-Control', () => {
    expect(cacheDirective(undefined)).toBe('use');
    expect(cacheDirective('no-cache')).toBe('refresh');
    expect(cacheDirective('no-store')).toBe('skip');
  });
});
