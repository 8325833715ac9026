import { crc32 } from 'node:zlib';

/** One message of the AWS event-stream binary framing: its headers and payload. */
export interface EventStreamMessage {
  headers: Record<string, string | number | boolean | Uint8Array>;
  payload: Uint8Array;
}

/** A frame that breaks the framing rules (bad lengths or checksums): the stream is garbage. */
export class EventStreamFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStreamFormatError';
  }
}

const preludeLength = 12;
const checksumLength = 4;
/** AWS caps a message at 16 MB; anything larger is a corrupt length, not a big message. */
const maxMessageLength = 16 * 1024 * 1024;

/**
 * An incremental decoder for `application/vnd.amazon.eventstream`: push bytes as they arrive, get
 * back the messages completed so far. Each message is
 * `total length (4) | headers length (4) | prelude CRC32 (4) | headers | payload | message CRC32 (4)`,
 * big-endian, and both checksums are verified.
 */
export class EventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Feeds more bytes; returns the messages they completed. */
  push(bytes: Uint8Array): EventStreamMessage[] {
    this.buffer = this.buffer.length === 0 ? bytes : concat(this.buffer, bytes);
    const messages: EventStreamMessage[] = [];
    while (this.buffer.length >= preludeLength) {
      const view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      const totalLength = view.getUint32(0);
      const headersLength = view.getUint32(4);
      if (
        totalLength < preludeLength + checksumLength + headersLength ||
        totalLength > maxMessageLength
      ) {
        throw new EventStreamFormatError(`invalid event-stream message length ${totalLength}`);
      }
      if (crc32(this.buffer.subarray(0, 8)) !== view.getUint32(8)) {
        throw new EventStreamFormatError('event-stream prelude checksum mismatch');
      }
      if (this.buffer.length < totalLength) break;
      const messageEnd = totalLength - checksumLength;
      if (crc32(this.buffer.subarray(0, messageEnd)) !== view.getUint32(messageEnd)) {
        throw new EventStreamFormatError('event-stream message checksum mismatch');
      }
      const headersEnd = preludeLength + headersLength;
      messages.push({
        headers: decodeHeaders(this.buffer.subarray(preludeLength, headersEnd)),
        // Copy: the buffer's memory is reused by later pushes.
        payload: this.buffer.slice(headersEnd, messageEnd),
      });
      this.buffer = this.buffer.subarray(totalLength);
    }
    return messages;
  }

  /** Whether bytes of an unfinished message are waiting (a stream cut mid-message). */
  get hasPartialMessage(): boolean {
    return this.buffer.length > 0;
  }
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

function decodeHeaders(bytes: Uint8Array): EventStreamMessage['headers'] {
  const headers: EventStreamMessage['headers'] = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder();
  let offset = 0;
  const need = (count: number) => {
    if (offset + count > bytes.length)
      throw new EventStreamFormatError('event-stream header overruns');
  };
  while (offset < bytes.length) {
    need(1);
    const nameLength = view.getUint8(offset);
    offset += 1;
    need(nameLength + 1);
    const name = decoder.decode(bytes.subarray(offset, offset + nameLength));
    offset += nameLength;
    const type = view.getUint8(offset);
    offset += 1;
    switch (type) {
      case 0:
      case 1:
        headers[name] = type === 0;
        break;
      case 2:
        need(1);
        headers[name] = view.getInt8(offset);
        offset += 1;
        break;
      case 3:
        need(2);
        headers[name] = view.getInt16(offset);
        offset += 2;
        break;
      case 4:
        need(4);
        headers[name] = view.getInt32(offset);
        offset += 4;
        break;
      case 5:
      case 8: // long and timestamp (ms since epoch): 8 bytes
        need(8);
        headers[name] = Number(view.getBigInt64(offset));
        offset += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(offset);
        offset += 2;
        need(length);
        const value = bytes.subarray(offset, offset + length);
        headers[name] = type === 7 ? decoder.decode(value) : value.slice();
        offset += length;
        break;
      }
      case 9:
        need(16);
        headers[name] = bytes.slice(offset, offset + 16);
        offset += 16;
        break;
      default:
        throw new EventStreamFormatError(`unknown event-stream header type ${type}`);
    }
  }
  return headers;
}
