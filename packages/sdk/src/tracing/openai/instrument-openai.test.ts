import { describe, expect, it } from 'vitest';
import { MemorySpanExporter } from '../../test-kit/memory-span-exporter.js';
import { instrumentAnthropic } from '../anthropic/index.js';
import { Tracer } from '../index.js';
import { instrumentOpenAI } from './index.js';

describe('instrumentOpenAI / instrumentAnthropic', () => {
  it('leave anything that is not a client untouched', () => {
    const tracer = new Tracer({ exporter: new MemorySpanExporter(), exitHook: false });
    expect(instrumentOpenAI(undefined, { tracer })).toBeUndefined();
    const empty = { chat: {} };
    expect(instrumentOpenAI(empty, { tracer })).toBe(empty);
    expect(empty).toEqual({ chat: {} });
    expect(instrumentAnthropic(null, { tracer })).toBeNull();
  });

  it('records a failing call and rethrows the same error, sync or async', async () => {
    const exporter = new MemorySpanExporter();
    const tracer = new Tracer({ exporter, exitHook: false });
    const failure = new Error('401 invalid key');
    const client = instrumentOpenAI(
      {
        chat: {
          completions: {
            create: (_body: unknown) => Promise.reject(failure),
          },
        },
        embeddings: {
          create: (_body: unknown) => {
            throw failure;
          },
        },
      },
      { tracer },
    );
    await expect(client.chat.completions.create({ model: 'm' })).rejects.toBe(failure);
    expect(() => client.embeddings.create({ model: 'e' })).toThrow(failure);
    await tracer.flush();
    expect(exporter.spans.map((span) => [span.name, span.status.code])).toEqual([
      ['openai.chat.completions', 'ERROR'],
      ['openai.embeddings', 'ERROR'],
    ]);
    expect(exporter.attribute('openai.chat.completions', 'mlflow.llm.model')).toBe('m');
  });
});
