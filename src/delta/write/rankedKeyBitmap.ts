/**
 * A table from integers (|key| <= 2^53) to entry ids for keys dense enough (range at most 32 times
 * their count), built at once from all the keys: one bit per value of the range says whether the
 * key is there, and the number of bits before it (a per-word running count plus a popcount) is its
 * place in an array of ids. MERGE probes it once per target row and most probes miss: a bitmap of
 * 1/32 of a dense Int32Array's size stays in cache, and building it writes ~7 MB instead of
 * faulting in a fresh 44 MB array (1M source keys over a range of 11M).
 */
export class RankedKeyBitmap {
  /** Bit `key - min` is set when the key is there. */
  readonly bits: Int32Array;
  /** Per bits word: how many bits the words before it set. */
  private readonly ranks: Int32Array;
  /** id + 1 by rank; the first id of each distinct key. */
  private readonly ids: Int32Array;

  /** Whether keys in [min, max], `count` of them, fit this layout. */
  static fits(min: number, max: number, count: number): boolean {
    const span = max - min + 1;
    return count > 0 && span <= Math.max(32 * count, 1024) && span <= 2 ** 30;
  }

  /**
   * Indexes keys[i] -> i; of equal keys the first id stays, and `onDuplicate` gets that first id
   * once per later equal key (as NumberKeyTable.insert's return value would).
   */
  constructor(readonly min: number, max: number, keys: Float64Array, onDuplicate: (firstId: number) => void) {
    const words = Math.ceil((max - min + 1) / 32);
    const bits = new Int32Array(words);
    for (let i = 0; i < keys.length; i++) {
      const index = keys[i]! - min;
      bits[index >>> 5] |= 1 << (index & 31);
    }
    const ranks = new Int32Array(words);
    let running = 0;
    for (let w = 0; w < words; w++) {
      ranks[w] = running;
      running += bitCount(bits[w]!);
    }
    this.bits = bits;
    this.ranks = ranks;
    // In key order, so the first of equal keys (in id order) claims the slot.
    const ids = new Int32Array(running);
    for (let i = 0; i < keys.length; i++) {
      const rank = this.rankOf(keys[i]! - min);
      const existing = ids[rank]!;
      if (existing !== 0) onDuplicate(existing - 1);
      else ids[rank] = i + 1;
    }
    this.ids = ids;
  }

  /** How many distinct keys. */
  get size(): number {
    return this.ids.length;
  }

  /** The id of `key`, or -1. */
  get(key: number): number {
    const index = key - this.min;
    if (!(index >= 0 && index < this.bits.length * 32)) return -1;
    return this.idAt(index);
  }

  /** The id of the key at `index` (key - min, within the range), or -1. */
  idAt(index: number): number {
    const word = this.bits[index >>> 5]!;
    if (((word >>> (index & 31)) & 1) === 0) return -1;
    return this.ids[this.rankOf(index)]! - 1;
  }

  private rankOf(index: number): number {
    const below = this.bits[index >>> 5]! & ((1 << (index & 31)) - 1);
    return this.ranks[index >>> 5]! + bitCount(below);
  }
}

/** The number of set bits of a 32-bit word. */
function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
