/**
 * How a column's PLAIN values are keyed in a dictionary: one or two little-endian 32-bit words
 * (INT32, FLOAT / INT64, DOUBLE: equal bits, equal entry), or length-prefixed bytes (BYTE_ARRAY).
 */
export type DictionaryKey = 'word' | 'doubleWord' | 'bytes';

const GOLDEN = 0x9e3779b1;
const FNV_PRIME = 16777619;
const FNV_OFFSET = 0x811c9dc5 | 0;

/**
 * The distinct values of one column chunk in first-seen order, for RLE_DICTIONARY pages: maps a
 * page's PLAIN values to their entry indices, and gives the dictionary page (the entries, PLAIN).
 * An open-addressing hash table over the entries' own PLAIN bytes: no JS Map, no string per value.
 */
export class ValueDictionary {
  private entries = 0;
  /** Entry index + 1 per slot; 0 is empty. Never more than half full. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  /** The entries, PLAIN (words for fixed width; length + bytes for BYTE_ARRAY). */
  private plain = new Uint8Array(4096);
  /** `plain` as 32-bit words (fixed-width entries). */
  private keys = new Int32Array(this.plain.buffer);
  private used = 0;
  /** Where each BYTE_ARRAY entry starts in `plain`. */
  private starts = new Int32Array(512);

  constructor(private readonly key: DictionaryKey) {}

  get size(): number {
    return this.entries;
  }

  /** The dictionary page's PLAIN size. */
  get byteSize(): number {
    return this.used;
  }

  /** The dictionary page body: every entry, PLAIN, in index order (a view, valid until the next add). */
  page(): Uint8Array {
    return this.plain.subarray(0, this.used);
  }

  /** The bit width of an index into this dictionary (at least 1). */
  bitWidth(): number {
    return Math.max(1, 32 - Math.clz32(Math.max(0, this.entries - 1)));
  }

  /**
   * The entry index of each of the `count` PLAIN values in `values`, adding the new ones; or
   * undefined, the dictionary left as it was before, once its PLAIN size would pass `limit` bytes:
   * a column of unique values stops costing hash work as soon as that is known. The dictionary
   * then takes no more values (its hash table no longer matches its entries).
   */
  indicesOf(values: Uint8Array, count: number, limit: number): Int32Array | undefined {
    const out = new Int32Array(count);
    const entries = this.entries;
    const used = this.used;
    const complete = this.key === 'bytes' ? this.indexBytes(values, count, out, limit) : this.indexWords(values, count, this.key === 'word' ? 1 : 2, out, limit);
    if (complete) return out;
    this.entries = entries;
    this.used = used;
    return undefined;
  }

  private indexWords(values: Uint8Array, count: number, width: number, out: Int32Array, limit: number): boolean {
    const aligned = values.byteOffset % 4 === 0 ? values : values.slice();
    const src = new Int32Array(aligned.buffer, aligned.byteOffset, count * width);
    let keys = this.keys;
    let slots = this.slots;
    let mask = slots.length - 1;
    for (let i = 0; i < count; i++) {
      const lo = src[i * width] as number;
      const hi = width === 2 ? (src[i * width + 1] as number) : 0;
      const hash = Math.imul(lo ^ Math.imul(hi ^ (hi >>> 15), GOLDEN), GOLDEN);
      let slot = (hash ^ (hash >>> 16)) & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (this.used + width * 4 > limit) return false;
          out[i] = this.addWords(slot, hash, lo, hi, width);
          // Adding may have grown the table or the entries.
          slots = this.slots;
          mask = slots.length - 1;
          keys = this.keys;
          break;
        }
        const at = (entry - 1) * width;
        if (keys[at] === lo && (width === 1 || keys[at + 1] === hi)) {
          out[i] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return true;
  }

  private addWords(slot: number, hash: number, lo: number, hi: number, width: number): number {
    const entry = this.entries;
    this.reserve(width * 4);
    this.keys[entry * width] = lo;
    if (width === 2) this.keys[entry * width + 1] = hi;
    this.used += width * 4;
    this.record(slot, hash, entry);
    return entry;
  }

  private indexBytes(values: Uint8Array, count: number, out: Int32Array, limit: number): boolean {
    let slots = this.slots;
    let hashes = this.hashes;
    let mask = slots.length - 1;
    let at = 0;
    for (let i = 0; i < count; i++) {
      const length = ((values[at] as number) | ((values[at + 1] as number) << 8) | ((values[at + 2] as number) << 16) | ((values[at + 3] as number) << 24)) >>> 0;
      const start = at + 4;
      const end = start + length;
      let hash = FNV_OFFSET;
      for (let j = start; j < end; j++) hash = Math.imul(hash ^ (values[j] as number), FNV_PRIME);
      hash = Math.imul(hash ^ (hash >>> 15), GOLDEN);
      let slot = (hash ^ (hash >>> 16)) & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (this.used + end - at > limit) return false;
          out[i] = this.addBytes(slot, hash, values, at, end);
          // Adding may have grown the table or the entries.
          slots = this.slots;
          hashes = this.hashes;
          mask = slots.length - 1;
          break;
        }
        if (hashes[entry - 1] === hash && this.sameBytes(entry - 1, values, at, end)) {
          out[i] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
      at = end;
    }
    return true;
  }

  /** Whether entry `entry` is the PLAIN value values[from, to) (its length prefix included). */
  private sameBytes(entry: number, values: Uint8Array, from: number, to: number): boolean {
    const start = this.starts[entry] as number;
    const end = entry + 1 < this.entries ? (this.starts[entry + 1] as number) : this.used;
    if (end - start !== to - from) return false;
    const plain = this.plain;
    for (let k = 0; k < to - from; k++) if (plain[start + k] !== values[from + k]) return false;
    return true;
  }

  private addBytes(slot: number, hash: number, values: Uint8Array, from: number, to: number): number {
    const entry = this.entries;
    this.reserve(to - from);
    if (entry >= this.starts.length) this.starts = grow(this.starts);
    this.starts[entry] = this.used;
    this.plain.set(values.subarray(from, to), this.used);
    this.used += to - from;
    this.record(slot, hash, entry);
    return entry;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.plain.length) return;
    let length = this.plain.length * 2;
    while (length < this.used + bytes) length *= 2;
    const plain = new Uint8Array(length);
    plain.set(this.plain.subarray(0, this.used));
    this.plain = plain;
    this.keys = new Int32Array(plain.buffer);
  }

  /** Puts `entry` in `slot`, then doubles the table once it is half full. */
  private record(slot: number, hash: number, entry: number): void {
    if (entry >= this.hashes.length) this.hashes = grow(this.hashes);
    this.hashes[entry] = hash;
    this.slots[slot] = entry + 1;
    this.entries = entry + 1;
    if (this.entries * 2 <= this.slots.length) return;
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.entries; e++) {
      const h = this.hashes[e] as number;
      let s = (h ^ (h >>> 16)) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = e + 1;
    }
    this.slots = slots;
  }
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
