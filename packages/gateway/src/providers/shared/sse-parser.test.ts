import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  const text =
    'event: message_start\ndata: {"a":1}\n\n: keep-alive\n\ndata: line one\ndata: line two\n\n';
  const expected = [
    { event: 'message_start', data: '{"a":1}' },
    { event: 'message', data: 'line one\nline two' },
  ];

  it('parses events, joins data lines and skips comments', () => {
    expect(new SseParser().push(text)).toEqual(expected);
  });

  it('gives the same events however the text is split, with LF, CRLF or CR line ends', () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const input = text.replaceAll('\n', ending);
      for (let cut = 0; cut <= input.length; cut++) {
        const parser = new SseParser();
        const events = [...parser.push(input.slice(0, cut)), ...parser.push(input.slice(cut))];
        expect(events).toEqual(expected);
      }
    }
  });

  it('never emits an event whose blank line has not arrived', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"partial":')).toEqual([]);
    expect(parser.push(' true}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"partial": true}' }]);
  });
});
