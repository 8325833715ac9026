/**
 * Numbers tokens for per-segment n-gram keys: a token gets a corpus-wide id once (one Map shared
 * by every segment), and within a segment a small local id 1, 2, … in first-seen order, looked up
 * in typed arrays stamped per segment, so no Map is built per segment.
 */
export class SegmentEncoder {
  private readonly corpusIds = new Map<string, number>();
  private localIds = new Int32Array(1024);
  private stamps = new Uint32Array(1024);
  private epoch = 0;
  /** Distinct tokens in the current segment. */
  size = 0;

  /** Starts a new segment: local ids restart at 1. */
  begin(): void {
    this.epoch++;
    this.size = 0;
  }

  /** The local ids of `tokens` in the current segment. */
  encode(tokens: readonly string[]): number[] {
    const ids = new Array<number>(tokens.length);
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index]!;
      let corpusId = this.corpusIds.get(token);
      if (corpusId === undefined) {
        corpusId = this.corpusIds.size;
        this.corpusIds.set(token, corpusId);
        if (corpusId >= this.localIds.length) this.grow();
      }
      if (this.stamps[corpusId] !== this.epoch) {
        this.stamps[corpusId] = this.epoch;
        this.localIds[corpusId] = ++this.size;
      }
      ids[index] = this.localIds[corpusId]!;
    }
    return ids;
  }

  private grow(): void {
    const localIds = new Int32Array(this.localIds.length * 2);
    localIds.set(this.localIds);
    const stamps = new Uint32Array(this.stamps.length * 2);
    stamps.set(this.stamps);
    this.localIds = localIds;
    this.stamps = stamps;
  }
}
