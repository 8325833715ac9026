/** A message body's chunks as they arrive; most bodies come in one, which is then used as is. */
export class BodyChunks {
  private first: Buffer | undefined;
  private rest: Buffer[] | undefined;
  /** Bytes so far. */
  size = 0;

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.first === undefined) this.first = chunk;
    else if (this.rest === undefined) this.rest = [this.first, chunk];
    else this.rest.push(chunk);
  }

  /** The body's bytes (empty when there were none). */
  bytes(): Buffer {
    return this.rest ? Buffer.concat(this.rest) : (this.first ?? Buffer.alloc(0));
  }

  /** The body as UTF-8 text ('' when empty). */
  text(): string {
    return this.bytes().toString('utf8');
  }
}
