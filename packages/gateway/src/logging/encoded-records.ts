/** A batch already encoded as the JSON body a sink sends: `{"records":[…],"dropped":n}`. */
export interface EncodedLogBatch {
  json: Buffer;
  /** Records in it. */
  count: number;
}

const open = Buffer.from('{"records":[');

/**
 * Encoded records of one batch, appended as UTF-8 to a byte buffer outside the JS heap. Queued
 * records wait up to a flush interval; as strings on the heap they survived young collections
 * and were copied into the old generation, whose collection then cost more CPU than encoding them.
 */
export class EncodedRecords {
  private bytes: Buffer;
  private length = 0;
  /** Records appended. */
  count = 0;

  constructor(initialBytes = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(Math.max(open.length, initialBytes));
    this.length = open.copy(this.bytes, 0);
  }

  append(json: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the +1 is the separating comma.
    const needed = this.length + json.length * 3 + 1;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    if (this.count > 0) this.bytes[this.length++] = 0x2c;
    this.length += this.bytes.write(json, this.length);
    this.count++;
  }

  /** The batch's JSON body; the buffer is handed over, so append no more after this. */
  finish(dropped?: number): EncodedLogBatch {
    const close = Buffer.from(dropped === undefined ? ']}' : `],"dropped":${dropped}}`);
    const json = Buffer.concat([this.bytes.subarray(0, this.length), close]);
    return { json, count: this.count };
  }
}
