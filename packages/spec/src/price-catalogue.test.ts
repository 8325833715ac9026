import { describe, expect, it } from 'vitest';
import {
  costOf,
  defaultPriceCatalogue,
  findModelPrice,
  mergePriceCatalogue,
  normalizeModelName,
  parsePriceCatalogueOverride,
} from './index.js';

describe('normalizeModelName', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['OpenAI/GPT-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4-0613', 'gpt-4'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['gpt-4-1106-preview', 'gpt-4-turbo'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet'],
    ['claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['anthropic/claude-3-7-sonnet-20250219', 'claude-3-7-sonnet'],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet'],
    ['us.anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['claude-4-opus', 'claude-opus-4'],
    ['models/gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini/gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['mistral-large-latest', 'mistral-large'],
    ['mistralai/mistral-large-2411', 'mistral-large'],
    ['codestral-2501', 'codestral'],
    ['open-mistral-nemo-2407', 'open-mistral-nemo'],
  ])('%s → %s', (raw, canonical) => {
    expect(normalizeModelName(raw)).toBe(canonical);
  });

  it('keeps distinct models distinct', () => {
    expect(normalizeModelName('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(normalizeModelName('gpt-4-32k')).toBe('gpt-4-32k');
    expect(normalizeModelName('o1-pro')).toBe('o1-pro');
    expect(normalizeModelName('claude-opus-4-1-20250805')).toBe('claude-opus-4-1');
  });
});

describe('costOf', () => {
  it('prices prompt and completion tokens per million', () => {
    expect(costOf('gpt-4o', { promptTokens: 1000, completionTokens: 500 })).toBe(0.0075);
    expect(costOf('gpt-4o-mini-2024-07-18', { promptTokens: 1_000_000, completionTokens: 0 })).toBe(
      0.15,
    );
    expect(costOf('claude-3-opus-20240229', { promptTokens: 100, completionTokens: 100 })).toBe(
      0.009,
    );
  });

  it('returns undefined for an unknown model', () => {
    expect(costOf('my-finetune', { promptTokens: 10, completionTokens: 10 })).toBeUndefined();
    expect(costOf('gpt-4o-unknown-variant', { promptTokens: 1, completionTokens: 1 })).toBe(
      undefined,
    );
  });

  it('bills long Gemini prompts at the higher rate', () => {
    expect(costOf('gemini-1.5-pro', { promptTokens: 100_000, completionTokens: 0 })).toBe(0.125);
    expect(costOf('gemini-1.5-pro', { promptTokens: 200_000, completionTokens: 0 })).toBe(0.5);
  });

  it('covers every model family the catalogue promises', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'gpt-4-turbo',
      'gpt-4',
      'gpt-3.5-turbo',
      'o1',
      'o1-mini',
      'o3',
      'o3-mini',
      'o4-mini',
      'text-embedding-3-small',
      'claude-3-5-sonnet',
      'claude-3-5-haiku',
      'claude-3-7-sonnet',
      'claude-3-opus',
      'claude-3-haiku',
      'claude-sonnet-4',
      'claude-opus-4',
      'gemini-1.5-pro',
      'gemini-1.5-flash',
      'gemini-2.0-flash',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'mistral-large',
      'mistral-small',
      'codestral',
      'open-mistral-nemo',
    ]) {
      expect(findModelPrice(model), model).toBeDefined();
    }
    expect(defaultPriceCatalogue.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('price overrides', () => {
  it('adds models and replaces prices, a snapshot override leaving the family alone', () => {
    const override = parsePriceCatalogueOverride({
      asOf: '2030-01-01',
      models: {
        'my-finetune': { promptPer1M: 1, completionPer1M: 2 },
        'gpt-4o-2024-05-13': { promptPer1M: 5, completionPer1M: 15 },
      },
    });
    const catalogue = mergePriceCatalogue(defaultPriceCatalogue, override);
    expect(catalogue.asOf).toBe('2030-01-01');
    const usage = { promptTokens: 1_000_000, completionTokens: 1_000_000 };
    expect(costOf('my-finetune', usage, catalogue)).toBe(3);
    expect(costOf('gpt-4o-2024-05-13', usage, catalogue)).toBe(20);
    expect(costOf('gpt-4o-2024-08-06', usage, catalogue)).toBe(12.5);
  });

  it('accepts a bare map and rejects bad prices', () => {
    expect(
      parsePriceCatalogueOverride({ x: { promptPer1M: 0, completionPer1M: 0 } }).models,
    ).toEqual({ x: { provider: 'custom', promptPer1M: 0, completionPer1M: 0 } });
    expect(() =>
      parsePriceCatalogueOverride({ x: { promptPer1M: -1, completionPer1M: 1 } }),
    ).toThrow(/'x'/);
    expect(() => parsePriceCatalogueOverride([1])).toThrow(/JSON object/);
  });
});
