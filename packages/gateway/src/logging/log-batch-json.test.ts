import type { GatewayLogRecord } from '@cairn/spec';
import { describe, expect, it } from 'vitest';
import { parseJsonKeepingText } from '../json-text.js';
import { logBatchJson } from './log-batch-json.js';

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
});
