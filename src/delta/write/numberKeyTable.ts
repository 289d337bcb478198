/**
 * A hash table from integers (|key| <= 2^53) to entry ids, on typed arrays: MERGE probes it once per
 * target row, tens of millions of times, where a `Map` costs several cache misses per lookup. When
 * the keys are dense enough (range at most 16 times their count) it is a plain array indexed by
 * `key - min`, which target rows sorted by key walk in order; otherwise open addressing with linear
 * probing at a load of at most 1/2.
 */
export class NumberKeyTable {
  private readonly dense: Int32Array | undefined;
  private readonly keys: Float64Array;
  /** id + 1 per slot; 0 is an empty slot. */
  private readonly slots: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(private readonly min: number, max: number, count: number) {
    const span = max - min + 1;
    if (count > 0 && span <= Math.max(16 * count, 1024) && span <= 1 << 26) {
      this.dense = new Int32Array(span);
      this.keys = new Float64Array(0);
      this.slots = this.dense;
      this.shift = 0;
      this.mask = 0;
      return;
    }
    let bits = 4;
    while (1 << bits < 2 * count) bits++;
    this.dense = undefined;
    this.keys = new Float64Array(1 << bits);
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
  }

  /** Adds key -> id unless the key is there; returns the id already there, or -1. */
  insert(key: number, id: number): number {
    if (this.dense) {
      const index = key - this.min;
      const existing = this.dense[index]!;
      if (existing !== 0) return existing - 1;
      this.dense[index] = id + 1;
      return -1;
    }
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & this.mask) {
      const existing = this.slots[slot]!;
      if (existing === 0) {
        this.keys[slot] = key;
        this.slots[slot] = id + 1;
        return -1;
      }
      if (this.keys[slot] === key) return existing - 1;
    }
  }

  /** The id of `key`, or -1. */
  get(key: number): number {
    if (this.dense) {
      const index = key - this.min;
      return index >= 0 && index < this.dense.length ? this.dense[index]! - 1 : -1;
    }
    for (let slot = this.slotOf(key); ; slot = (slot + 1) & this.mask) {
      const existing = this.slots[slot]!;
      if (existing === 0) return -1;
      if (this.keys[slot] === key) return existing - 1;
    }
  }

  private slotOf(key: number): number {
    const low = key | 0;
    const high = Math.floor(key / 4294967296) | 0;
    return Math.imul(low ^ Math.imul(high, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }
}
