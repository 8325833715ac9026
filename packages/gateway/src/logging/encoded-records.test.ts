import { describe, expect, it } from 'vitest';
import { EncodedRecords } from './encoded-records.js';

describe('EncodedRecords', () => {
  it('builds the batch JSON from records appended as UTF-8, growing past its first buffer', () => {
    const records = new EncodedRecords(16);
    const texts = [
      { request_id: 'a', inputs: { text: 'héllo — 你好 👋' } },
      { request_id: 'b', pad: 'x'.repeat(100) },
      { request_id: 'c' },
    ];
    for (const text of texts) records.append(JSON.stringify(text));
    expect(records.count).toBe(3);
    const batch = records.finish(2);
    expect(batch.count).toBe(3);
    expect(JSON.parse(batch.json.toString('utf8'))).toEqual({ records: texts, dropped: 2 });
  });

  it('encodes an empty batch and one without drops', () => {
    expect(JSON.parse(new EncodedRecords().finish().json.toString())).toEqual({ records: [] });
    const one = new EncodedRecords();
    one.append('{"request_id":"r"}');
    expect(one.finish().json.toString()).toBe('{"records":[{"request_id":"r"}]}');
  });
});
