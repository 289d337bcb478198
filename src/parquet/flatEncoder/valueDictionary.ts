/**
 * How a column's values are keyed in a dictionary: one or two little-endian 32-bit words
 * (INT32, FLOAT / INT64, DOUBLE: equal bits, equal entry), or bytes (BYTE_ARRAY).
 */
export type DictionaryKey = 'word' | 'doubleWord' | 'bytes';

/**
 * Where a page's values are read from, straight in the Arrow column (no PLAIN copy first): value
 * `i` is `words[i * stride]` (and the next word for a two-word key), or the bytes
 * `bytes[offsets[i], offsets[i + 1])`.
 */
export type DictionarySource =
  | { words: ArrayLike<number>; stride: number }
  | { offsets: ArrayLike<number>; bytes: Uint8Array };

/**
 * Which values of a column a page takes: rows `[0, length)`, or only the rows listed in `rows`
 * (ascending); a row whose bit in `validity` (indexed from `bitOffset`) is clear is null and skipped.
 */
export interface ValueRows {
  length: number;
  validity: Uint8Array | undefined;
  bitOffset: number;
  rows?: Int32Array | undefined;
}

const GOLDEN = 0x9e3779b1;
const MIX = 0x5bd1e995;
/** Slots of a new table (a power of two). */
const FIRST_SLOTS = 1024;

/**
 * The distinct values of one column chunk in first-seen order, for RLE_DICTIONARY pages: maps a
 * page's values to their entry indices, and gives the dictionary page (the entries, PLAIN).
 *
 * An open-addressing hash table (linear probing, at most 70% full) on one Int32Array whose slots
 * hold what a probe compares: a fixed-width value's own words, or a byte string's hash, beside the
 * entry index + 1 (0: empty). A probe then reads one cache line, where a table of entry indices
 * read a second array for the key: on a column of 65,537 doubles (a 1.5 MiB table) every value
 * missed the cache twice. The slot is taken from the multiplied hash's high bits (Fibonacci
 * hashing), which spreads consecutive integers (dates, small codes) evenly.
 */
export class ValueDictionary {
  private entries = 0;
  /** 32-bit words per slot: [lo, hi, entry + 1, unused] for two-word keys, [key or hash, entry + 1] otherwise. */
  private readonly slotWords: number;
  private table: Int32Array;
  /** 32 minus log2 of the slot count: `hash >>> shift` is a slot. */
  private shift: number;
  /** The entries, PLAIN (words for fixed width; length + bytes for BYTE_ARRAY). */
  private plain = new Uint8Array(4096);
  /** `plain` as 32-bit words (fixed-width entries). */
  private keys = new Int32Array(this.plain.buffer);
  /** `plain` for unaligned word reads of BYTE_ARRAY entries. */
  private plainView = new DataView(this.plain.buffer);
  private used = 0;
  /** Where each BYTE_ARRAY entry's bytes start in `plain` (after its length prefix). */
  private starts = new Int32Array(512);
  private readonly width: number;
  private readonly byteKeys: boolean;
  /** The last page's entry indices: reused, so a page allocates none. */
  private indices = new Int32Array(0);
  /** The PLAIN size of every value indexed so far: what the pages would take without the dictionary. */
  plainBytes = 0;

  constructor(key: DictionaryKey) {
    this.width = key === 'doubleWord' ? 2 : 1;
    this.byteKeys = key === 'bytes';
    this.slotWords = key === 'doubleWord' ? 4 : 2;
    this.table = new Int32Array(FIRST_SLOTS * this.slotWords);
    this.shift = 32 - Math.log2(FIRST_SLOTS);
  }

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
   * The entry index of each non-null value of `rows` in `source`, adding the new ones (a view
   * valid until the next call); or undefined, the dictionary left as it was before, once its PLAIN
   * size would pass `limit` bytes: a column of unique values stops costing hash work as soon as
   * that is known. The dictionary then takes no more values (its hash table no longer matches its
   * entries).
   */
  indicesOf(source: DictionarySource, rows: ValueRows, limit: number): Int32Array | undefined {
    const n = rows.rows?.length ?? rows.length;
    if (this.indices.length < n) this.indices = new Int32Array(n);
    const entries = this.entries;
    const used = this.used;
    const count = 'words' in source
      ? (this.width === 2 ? this.indexDoubleWords(source.words, source.stride, rows, limit) : this.indexWords(source.words, source.stride, rows, limit))
      : this.indexBytes(source.offsets, source.bytes, rows, limit);
    if (count >= 0) return this.indices.subarray(0, count);
    this.entries = entries;
    this.used = used;
    return undefined;
  }

  /** One-word keys: the number of values indexed into `indices`, or -1 once the dictionary would pass `limit`. */
  private indexWords(words: ArrayLike<number>, stride: number, rows: ValueRows, limit: number): number {
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    const out = this.indices;
    let table = this.table;
    let shift = this.shift;
    let mask = table.length - 1;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const v = words[i * stride] as number;
      let at = (Math.imul(v, GOLDEN) >>> shift) << 1;
      for (;;) {
        const entry = table[at + 1] as number;
        if (entry === 0) {
          if (this.used + 4 > limit) return -1;
          out[k++] = this.addWords(at, v, 0);
          // Adding may have grown the table.
          table = this.table;
          shift = this.shift;
          mask = table.length - 1;
          break;
        }
        if (table[at] === v) {
          out[k++] = entry - 1;
          break;
        }
        at = (at + 2) & mask;
      }
    }
    this.plainBytes += k * 4;
    return k;
  }

  /** Two-word keys (INT64, DOUBLE), as `indexWords`. */
  private indexDoubleWords(words: ArrayLike<number>, stride: number, rows: ValueRows, limit: number): number {
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    const out = this.indices;
    let table = this.table;
    let shift = this.shift;
    let mask = table.length - 1;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const lo = words[i * stride] as number;
      const hi = words[i * stride + 1] as number;
      let at = (wordsHash(lo, hi) >>> shift) << 2;
      for (;;) {
        const entry = table[at + 2] as number;
        if (entry === 0) {
          if (this.used + 8 > limit) return -1;
          out[k++] = this.addWords(at, lo, hi);
          table = this.table;
          shift = this.shift;
          mask = table.length - 1;
          break;
        }
        if (table[at] === lo && table[at + 1] === hi) {
          out[k++] = entry - 1;
          break;
        }
        at = (at + 4) & mask;
      }
    }
    this.plainBytes += k * 8;
    return k;
  }

  /** Adds a fixed-width entry in the empty slot at word `at`; returns its index. */
  private addWords(at: number, lo: number, hi: number): number {
    const entry = this.entries;
    const width = this.width;
    this.reserve(width * 4);
    this.keys[entry * width] = lo;
    this.table[at] = lo;
    if (width === 2) {
      this.keys[entry * 2 + 1] = hi;
      this.table[at + 1] = hi;
    }
    this.table[at + width] = entry + 1;
    this.used += width * 4;
    this.added();
    return entry;
  }

  private indexBytes(offsets: ArrayLike<number>, bytes: Uint8Array, rows: ValueRows, limit: number): number {
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    const out = this.indices;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let table = this.table;
    let shift = this.shift;
    let mask = table.length - 1;
    let k = 0;
    let plainBytes = 0;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const start = offsets[i] as number;
      const end = offsets[i + 1] as number;
      plainBytes += 4 + end - start;
      const hash = hashBytes(view, start, end);
      let at = (hash >>> shift) << 1;
      for (;;) {
        const entry = table[at + 1] as number;
        if (entry === 0) {
          if (this.used + 4 + end - start > limit) return -1;
          out[k++] = this.addBytes(at, hash, bytes, start, end);
          table = this.table;
          shift = this.shift;
          mask = table.length - 1;
          break;
        }
        if (table[at] === hash && this.sameBytes(entry - 1, view, start, end)) {
          out[k++] = entry - 1;
          break;
        }
        at = (at + 2) & mask;
      }
    }
    this.plainBytes += plainBytes;
    return k;
  }

  /** Whether entry `entry` holds the bytes [from, to) of `values`, compared four at a time. */
  private sameBytes(entry: number, values: DataView, from: number, to: number): boolean {
    const plain = this.plainView;
    const at = this.starts[entry] as number;
    const length = to - from;
    if (plain.getInt32(at - 4, true) !== length) return false;
    let j = 0;
    for (; j + 4 <= length; j += 4) if (plain.getInt32(at + j, true) !== values.getInt32(from + j, true)) return false;
    for (; j < length; j++) if (plain.getUint8(at + j) !== values.getUint8(from + j)) return false;
    return true;
  }

  private addBytes(at: number, hash: number, values: Uint8Array, from: number, to: number): number {
    const entry = this.entries;
    const length = to - from;
    this.reserve(4 + length);
    if (entry >= this.starts.length) this.starts = grow(this.starts);
    const start = this.used;
    this.plainView.setInt32(start, length, true);
    this.plain.set(values.subarray(from, to), start + 4);
    this.starts[entry] = start + 4;
    this.used += 4 + length;
    this.table[at] = hash;
    this.table[at + 1] = entry + 1;
    this.added();
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
    this.plainView = new DataView(plain.buffer);
  }

  /** Counts the entry just put in the table, then doubles the table once it is 70% full. */
  private added(): void {
    this.entries++;
    const words = this.slotWords;
    const slots = this.table.length / words;
    if (this.entries * 10 <= slots * 7) return;
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const shift = this.shift - 1;
    const mask = table.length - 1;
    // The word of a slot holding entry + 1: after the key's words, or after a byte string's hash.
    const entryWord = words === 4 ? 2 : 1;
    for (let from = 0; from < old.length; from += words) {
      if (old[from + entryWord] === 0) continue;
      const first = old[from] as number;
      const hash = this.width === 2 ? wordsHash(first, old[from + 1] as number) : this.byteKeys ? first : Math.imul(first, GOLDEN);
      let at = ((hash >>> shift) * words) & mask;
      while (table[at + entryWord] !== 0) at = (at + words) & mask;
      table.set(old.subarray(from, from + words), at);
    }
    this.table = table;
    this.shift = shift;
  }
}

/** The hash of a two-word key: both words mixed before the multiply, whose high bits pick the slot. */
function wordsHash(lo: number, hi: number): number {
  return Math.imul(lo ^ Math.imul(hi ^ (hi >>> 16), MIX), GOLDEN);
}

/** A 32-bit hash of the bytes [start, end) of `view`, four bytes per multiply. */
function hashBytes(view: DataView, start: number, end: number): number {
  let hash = Math.imul(end - start, GOLDEN);
  let j = start;
  for (; j + 4 <= end; j += 4) {
    hash = Math.imul(hash ^ Math.imul(view.getInt32(j, true), MIX), GOLDEN);
    hash ^= hash >>> 13;
  }
  for (; j < end; j++) hash = Math.imul(hash ^ view.getUint8(j), MIX);
  hash = Math.imul(hash ^ (hash >>> 15), GOLDEN);
  return hash ^ (hash >>> 16);
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
