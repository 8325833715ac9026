import { OtlpDecodeError } from './otlp-span.js';

/** Protobuf wire types. */
export const WireType = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 };

/**
 * A minimal protobuf wire-format reader over one buffer: tags, varints, fixed-width numbers and
 * length-delimited ranges. Messages are read in place (a sub-message is a [start, end) range of
 * the same buffer), so decoding allocates only what it keeps. Every read is bounds-checked and
 * throws OtlpDecodeError on truncated or malformed input.
 */
export class ProtobufReader {
  position: number;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    /** Where the message being read ends. */
    public end = buffer.length,
  ) {
    this.position = start;
  }

  /** The next varint as an unsigned 32-bit number (higher bits are dropped, as protobuf does for uint32/int32). */
  uint32(): number {
    const buffer = this.buffer;
    let position = this.position;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (position >= this.end) throw truncated();
      const byte = buffer[position++]!;
      if (shift < 28) result |= (byte & 0x7f) << shift;
      else result |= (byte & 0x0f) << 28;
      if (byte < 0x80) {
        this.position = position;
        return result >>> 0;
      }
    }
    // Up to five more continuation bytes carry bits a 32-bit value drops (negative int32s use ten).
    for (let count = 0; count < 5; count++) {
      if (position >= this.end) throw truncated();
      if (buffer[position++]! < 0x80) {
        this.position = position;
        return result >>> 0;
      }
    }
    throw new OtlpDecodeError(
      'Body is not a valid OTLP ExportTraceServiceRequest protobuf: varint too long.',
    );
  }

  /** The next varint as a signed 64-bit integer (int64 wire encoding). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let count = 0; count < 10; count++) {
      if (this.position >= this.end) throw truncated();
      const byte = this.buffer[this.position++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw new OtlpDecodeError(
      'Body is not a valid OTLP ExportTraceServiceRequest protobuf: varint too long.',
    );
  }

  /** The next 8 bytes as an unsigned 64-bit integer. */
  fixed64(): bigint {
    const position = this.position;
    if (position + 8 > this.end) throw truncated();
    this.position = position + 8;
    return this.buffer.readBigUInt64LE(position);
  }

  /** The next 8 bytes as a double. */
  double(): number {
    const position = this.position;
    if (position + 8 > this.end) throw truncated();
    this.position = position + 8;
    return this.buffer.readDoubleLE(position);
  }

  /** The next length-delimited field's range; the reader moves past it. */
  bytes(): [number, number] {
    const end = this.fieldEnd();
    const start = this.position;
    this.position = end;
    return [start, end];
  }

  /**
   * Steps into the next length-delimited field (a sub-message): reads continue inside it until
   * `leave` is given the value returned here, which moves past it. Saves a reader per message.
   */
  enter(): number {
    const outer = this.end;
    this.end = this.fieldEnd();
    return outer;
  }

  /** Leaves a sub-message entered with `enter`. */
  leave(outer: number): void {
    this.position = this.end;
    this.end = outer;
  }

  /** The next length-delimited field as UTF-8 text; invalid sequences become U+FFFD. */
  string(): string {
    const end = this.fieldEnd();
    const start = this.position;
    this.position = end;
    return start === end ? '' : this.buffer.toString('utf8', start, end);
  }

  /** Reads a length prefix; where the field it announces ends. */
  private fieldEnd(): number {
    const length = this.uint32();
    const end = this.position + length;
    if (end > this.end) throw truncated();
    return end;
  }

  /** Skips a field of this wire type. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.uint32();
        return;
      case WireType.fixed64:
        this.advance(8);
        return;
      case WireType.bytes:
        this.bytes();
        return;
      case WireType.fixed32:
        this.advance(4);
        return;
      case WireType.startGroup:
        for (;;) {
          const tag = this.uint32();
          if ((tag & 7) === WireType.endGroup) return;
          this.skip(tag & 7);
        }
      default:
        throw new OtlpDecodeError(
          `Body is not a valid OTLP ExportTraceServiceRequest protobuf: invalid wire type ${wireType} at offset ${this.position}.`,
        );
    }
  }

  private advance(count: number): void {
    if (this.position + count > this.end) throw truncated();
    this.position += count;
  }
}

function truncated(): OtlpDecodeError {
  return new OtlpDecodeError(
    'Body is not a valid OTLP ExportTraceServiceRequest protobuf: a field runs past the end of its message.',
  );
}
