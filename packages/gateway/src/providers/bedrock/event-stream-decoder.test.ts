import { describe, expect, it } from 'vitest';
import { encodeEventStream } from '../../test-kit/index.js';
import { EventStreamDecoder, EventStreamFormatError } from './event-stream-decoder.js';

const frames = encodeEventStream([
  { eventType: 'messageStart', payload: { role: 'assistant' } },
  { eventType: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: 'héllo ✓' } } },
  { exceptionType: 'throttlingException', payload: { message: 'slow down' } },
]);
const joined = Buffer.concat(frames);

function decodeAll(decoder: EventStreamDecoder, pieces: Uint8Array[]) {
  return pieces.flatMap((piece) => decoder.push(piece));
}

describe('EventStreamDecoder', () => {
  it('decodes headers and payloads of frames built by the AWS codec', () => {
    const messages = new EventStreamDecoder().push(new Uint8Array(joined));
    expect(messages).toHaveLength(3);
    expect(messages[0]?.headers).toEqual({
      ':message-type': 'event',
      ':event-type': 'messageStart',
      ':content-type': 'application/json',
    });
    expect(JSON.parse(Buffer.from(messages[1]!.payload).toString())).toEqual({
      contentBlockIndex: 0,
      delta: { text: 'héllo ✓' },
    });
    expect(messages[2]?.headers[':exception-type']).toBe('throttlingException');
  });

  it('gives the same messages however the bytes are split', () => {
    const whole = new EventStreamDecoder().push(new Uint8Array(joined));
    for (let cut = 1; cut < joined.length; cut += 7) {
      const decoder = new EventStreamDecoder();
      const pieces = [joined.subarray(0, cut), joined.subarray(cut)].map(
        (part) => new Uint8Array(part),
      );
      expect(decodeAll(decoder, pieces)).toEqual(whole);
      expect(decoder.hasPartialMessage).toBe(false);
    }
    const oneByteAtATime = [...joined].map((byte) => new Uint8Array([byte]));
    expect(decodeAll(new EventStreamDecoder(), oneByteAtATime)).toEqual(whole);
  });

  it('reports a stream cut mid-message', () => {
    const decoder = new EventStreamDecoder();
    expect(decoder.push(new Uint8Array(joined.subarray(0, frames[0]!.length + 5)))).toHaveLength(1);
    expect(decoder.hasPartialMessage).toBe(true);
  });

  it('rejects corrupt checksums and lengths', () => {
    const corruptPayload = new Uint8Array(frames[0]!);
    corruptPayload[corruptPayload.length - 6]! ^= 0xff;
    expect(() => new EventStreamDecoder().push(corruptPayload)).toThrow(/message checksum/);
    const corruptPrelude = new Uint8Array(frames[0]!);
    corruptPrelude[2]! ^= 0x01;
    expect(() => new EventStreamDecoder().push(corruptPrelude)).toThrow(EventStreamFormatError);
    const text = new TextEncoder().encode('{"message":"this is JSON, not an event stream"}');
    expect(() => new EventStreamDecoder().push(text)).toThrow(EventStreamFormatError);
  });
});
