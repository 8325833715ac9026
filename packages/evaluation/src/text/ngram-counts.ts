/**
 * A reusable open-addressing multiset of numeric n-gram keys (exact integers below 2^53), for
 * clipped n-gram overlap without sorting or string keys. `clear` is O(1) by bumping an epoch, so
 * one table serves every segment of a corpus.
 */
export class NgramCounts {
  private keys = new Float64Array(256);
  private counts = new Int32Array(256);
  private stamps = new Uint32Array(256);
  private epoch = 1;
  private mask = 255;

  /** Empties the table, sized for at least `expected` distinct keys. */
  clear(expected: number): void {
    if (expected * 2 > this.mask + 1) {
      let size = this.mask + 1;
      while (size < expected * 2) size *= 2;
      this.keys = new Float64Array(size);
      this.counts = new Int32Array(size);
      this.stamps = new Uint32Array(size);
      this.mask = size - 1;
      this.epoch = 1;
      return;
    }
    this.epoch++;
    if (this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
  }

  private slot(key: number): number {
    // Mix the low and high 32 bits; keys are exact integers so both halves are well defined.
    const high = (key / 4294967296) | 0;
    let slot = Math.imul((key >>> 0) ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) & this.mask;
    while (this.stamps[slot] === this.epoch && this.keys[slot] !== key) {
      slot = (slot + 1) & this.mask;
    }
    return slot;
  }

  /** Adds one occurrence of `key`. */
  add(key: number): void {
    const slot = this.slot(key);
    if (this.stamps[slot] === this.epoch) this.counts[slot]!++;
    else {
      this.stamps[slot] = this.epoch;
      this.keys[slot] = key;
      this.counts[slot] = 1;
    }
  }

  /** Takes one occurrence of `key` if any is left; true when it did (a clipped match). */
  take(key: number): boolean {
    const slot = this.slot(key);
    if (this.stamps[slot] !== this.epoch || this.counts[slot] === 0) return false;
    this.counts[slot]!--;
    return true;
  }
}
