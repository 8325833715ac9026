import type { GatewayLogRecord } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { parseJsonKeepingText } from '../json-text.js';
import { logBatchJson, logRecordJson } from './log-batch-json.js';

const base: GatewayLogRecord = {
  request_id: 'r1',
  timestamp_ms: 1,
  route: 'chat',
  route_type: 'llm/v1/chat',
  status: 200,
  stream: false,
  latency_ms: 1.5,
  retries: 0,
  fallbacks: 0,
  cache_hit: false,
};

describe('logBatchJson', () => {
  it('writes the same JSON as JSON.stringify, reusing payload texts it knows', () => {
    // Spacing in the original text survives: that is how we know it was not re-serialised.
    const inputText = '{"model": "chat", "messages": [{"role": "user", "content": "hé \\u00e9"}]}';
    const inputs = parseJsonKeepingText(inputText);
    const outputs = { choices: [{ message: { role: 'assistant', content: 'ok' } }] };
    const batch = {
      records: [
        { ...base, inputs, outputs },
        { ...base, request_id: 'r2' },
      ],
      dropped: 3,
    };
    const text = logBatchJson(batch);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(batch)));
    expect(text).toContain(`"inputs":${inputText}`);
  });

  it('writes a record with only outputs, and a batch without a drop count', () => {
    const batch = { records: [{ ...base, outputs: 'plain "text"' }] };
    expect(JSON.parse(logBatchJson(batch))).toEqual(batch);
  });

  it('writes every field of a record, escaping what needs it', () => {
    // Required<>: a field added to GatewayLogRecord must be added here, and so to logRecordJson.
    const full: Required<GatewayLogRecord> = {
      request_id: 'r-1',
      timestamp_ms: 1_700_000_000_123,
      route: 'chat "quoted" \\ back',
      route_type: 'llm/v1/chat',
      target: 'primary',
      provider: 'openai',
      model: 'gpt-4o-mini',
      status: 502,
      error: 'upstream said: línea 1\nlínea 2 \u0001',
      stream: true,
      inputs: { messages: [{ role: 'user', content: 'hi' }] },
      outputs: ['chunk'],
      prompt_tokens: 12,
      completion_tokens: 9,
      total_tokens: 21,
      cost_usd: 0.0000072,
      latency_ms: 1.234,
      ttft_ms: 0.5,
      overhead_ms: 0.125,
      retries: 1,
      fallbacks: 1,
      cache_hit: false,
      user: 'ålice 👋',
      session: 's1',
      tags: { team: 'search', beta: '' },
      key_id: 'key_1',
    };
    expect(JSON.parse(logRecordJson(full))).toEqual(full);
    expect(JSON.parse(logRecordJson({ ...base, latency_ms: Number.NaN }))).toEqual({
      ...base,
      latency_ms: null,
    });
  });
});
