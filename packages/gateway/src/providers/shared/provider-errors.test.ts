import { describe, expect, it } from 'vitest';
import { describeErrorBody } from './provider-errors.js';
import { redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads seconds, HTTP dates and retry-after-ms', () => {
    expect(parseRetryAfter(headers({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }), now)).toBe(
      10_000,
    );
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now)).toBe(
      0,
    );
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(
      250,
    );
  });

  it('ignores absent and unparseable values', () => {
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': '-5' }), now)).toBeUndefined();
  });
});

describe('describeErrorBody', () => {
  it('finds the message in every vendor shape', () => {
    expect(
      describeErrorBody('{"error":{"message":"bad key","type":"invalid_request_error"}}'),
    ).toBe('invalid_request_error: bad key');
    expect(
      describeErrorBody(
        '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      ),
    ).toBe('overloaded_error: Overloaded');
    expect(
      describeErrorBody(
        '{"error":{"code":400,"message":"API key not valid","status":"INVALID_ARGUMENT"}}',
      ),
    ).toBe('API key not valid');
    expect(describeErrorBody('{"message":"invalid api token"}')).toBe('invalid api token');
    expect(describeErrorBody('{"detail":"Not Found"}')).toBe('Not Found');
    expect(
      describeErrorBody(
        '{"message":"Throttled"}',
        new Headers({ 'x-amzn-errortype': 'ThrottlingException:http://x/' }),
      ),
    ).toBe('ThrottlingException: Throttled');
  });

  it('quotes non-JSON bodies, collapsed and truncated', () => {
    expect(describeErrorBody('<html>\n  <body>Bad gateway</body>\n</html>')).toBe(
      '<html> <body>Bad gateway</body> </html>',
    );
    expect(describeErrorBody('x'.repeat(2000)).length).toBeLessThanOrEqual(501);
  });
});

describe('redact', () => {
  it('removes every occurrence of each secret', () => {
    expect(redact('key sk-abcdef123 and sk-abcdef123 again', ['sk-abcdef123'])).toBe(
      'key [redacted] and [redacted] again',
    );
  });
});
