import type { RowRuns } from './rowRuns';

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
  /** The runs of `rows` (see RowRuns), when the caller found them for every column of a page. */
  runs?: RowRuns | undefined;
}

const GOLDEN = 0x9e3779b1;
const MIX = 0x5bd1e995;
/**
 * The widest range of 32-bit values a dictionary looks up by `value - base` in a table of entry
 * indices (256 KiB, within a core's L2) instead of hashing: small integers, dates, codes.
 */
const DENSE_RANGE = 1 << 16;

/**
 * The distinct values of one column chunk in first-seen order, for RLE_DICTIONARY pages: maps a
 * page's values to their entry indices, and gives the dictionary page (the entries, PLAIN).
 * An open-addressing hash table over the entries' own bytes: no JS Map, no string per value.
 *
 * Measured against other layouts on the writer bench's columns (1M rows): slots holding the key's
 * words beside the entry (one cache line a probe) or Fibonacci slots at 70% load took 1.5-2x the
 * time on 65,537 doubles and on a million distinct longs (a larger table, a rehash reading keys at
 * random), so the slots hold entry indices and the hashes stay in entry order for rehashing.
 */
export class ValueDictionary {
  private entries = 0;
  /** Entry index + 1 per slot; 0 is empty. Never more than three quarters full. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  /** The entries, PLAIN (words for fixed width; length + bytes for BYTE_ARRAY). */
  private plain = new Uint8Array(4096);
  /** `plain` as 32-bit words (fixed-width entries). */
  private keys = new Int32Array(this.plain.buffer);
  private used = 0;
  /** Where each BYTE_ARRAY entry starts in `plain` (at its length prefix). */
  private starts = new Int32Array(512);
  private readonly width: number;
  private readonly keyedByBytes: boolean;
  /** `plain` for unaligned word reads of BYTE_ARRAY entries. */
  private plainView = new DataView(this.plain.buffer);
  /** The last page's entry indices: reused, so a page allocates none. */
  private indices = new Int32Array(0);
  /**
   * Single-word keys while every value seen lies within DENSE_RANGE of each other: entry index + 1
   * at `value - denseBase` (0: not in the dictionary). Undefined before the first page and once a
   * page goes beyond that range; the hash table holds every entry either way.
   */
  private dense: Int32Array | undefined;
  private denseBase = 0;
  private denseOff = false;
  /** The least and greatest value seen on the dense path. */
  private denseMin = 0x7fffffff;
  private denseMax = -0x80000000;
  /** The PLAIN size of every value indexed so far: what the pages would take without the dictionary. */
  plainBytes = 0;

  constructor(key: DictionaryKey) {
    this.width = key === 'doubleWord' ? 2 : 1;
    this.keyedByBytes = key === 'bytes';
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
    const out = this.indices;
    const entries = this.entries;
    const used = this.used;
    const count = !('words' in source) ? this.indexBytes(source.offsets, source.bytes, rows, out, limit)
      : this.denseFor(source.words, source.stride, rows) ? this.indexDense(source.words, source.stride, rows, out, limit)
        : this.indexWords(source.words, source.stride, rows, out, limit);
    if (count >= 0) return out.subarray(0, count);
    this.entries = entries;
    this.used = used;
    return undefined;
  }

  /** The number of values indexed into `out`, or -1 once the dictionary would pass `limit`. */
  private indexWords(words: ArrayLike<number>, stride: number, rows: ValueRows, out: Int32Array, limit: number): number {
    const width = this.width;
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    let keys = this.keys;
    let slots = this.slots;
    let mask = slots.length - 1;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const lo = words[i * stride] as number;
      const hi = width === 2 ? (words[i * stride + 1] as number) : 0;
      const hash = Math.imul(lo ^ Math.imul(hi ^ (hi >>> 15), GOLDEN), GOLDEN);
      let slot = (hash ^ (hash >>> 16)) & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (this.used + width * 4 > limit) return -1;
          out[k++] = this.addWords(slot, hash, lo, hi);
          // Adding may have grown the table or the entries.
          slots = this.slots;
          mask = slots.length - 1;
          keys = this.keys;
          break;
        }
        const at = (entry - 1) * width;
        if (keys[at] === lo && (width === 1 || keys[at + 1] === hi)) {
          out[k++] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    this.plainBytes += k * width * 4;
    return k;
  }

  /**
   * Whether this page's values can be looked up in the dense table (made or widened to cover them
   * here): single-word keys whose values, with every value seen before, span at most DENSE_RANGE.
   */
  private denseFor(words: ArrayLike<number>, stride: number, rows: ValueRows): boolean {
    if (this.width !== 1 || this.denseOff) return false;
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    let min = this.denseMin;
    let max = this.denseMax;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const v = words[i * stride] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Entries hashed before a dense table existed (none so far: it starts with the first page) would be missing from it.
    if (max - min >= DENSE_RANGE || (!this.dense && this.entries > 0)) {
      this.denseOff = true;
      this.dense = undefined;
      return false;
    }
    if (min > max) return true;
    const dense = this.dense;
    if (!dense || min < this.denseBase || max >= this.denseBase + dense.length) {
      // A table twice the span (at most DENSE_RANGE) centred on it: a range that creeps grows it rarely.
      const span = max - min + 1;
      const size = Math.min(DENSE_RANGE, Math.max(1024, span * 2));
      const base = min - Math.floor((size - span) / 2);
      const wider = new Int32Array(size);
      // Every entry so far lies within the values seen before.
      if (dense) wider.set(dense.subarray(this.denseMin - this.denseBase, this.denseMax - this.denseBase + 1), this.denseMin - base);
      this.dense = wider;
      this.denseBase = base;
    }
    this.denseMin = min;
    this.denseMax = max;
    return true;
  }

  /** indexWords for pages within the dense table's range (see `denseFor`): one table read per value. */
  private indexDense(words: ArrayLike<number>, stride: number, rows: ValueRows, out: Int32Array, limit: number): number {
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    const dense = this.dense as Int32Array;
    const base = this.denseBase;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const v = words[i * stride] as number;
      const entry = dense[v - base] as number;
      if (entry !== 0) {
        out[k++] = entry - 1;
        continue;
      }
      if (this.used + 4 > limit) return -1;
      const hash = Math.imul(v, GOLDEN);
      let slot = (hash ^ (hash >>> 16)) & (this.slots.length - 1);
      while (this.slots[slot] !== 0) slot = (slot + 1) & (this.slots.length - 1);
      const added = this.addWords(slot, hash, v, 0);
      dense[v - base] = added + 1;
      out[k++] = added;
    }
    this.plainBytes += k * 4;
    return k;
  }

  private addWords(slot: number, hash: number, lo: number, hi: number): number {
    const entry = this.entries;
    const width = this.width;
    this.reserveBytes(width * 4);
    this.keys[entry * width] = lo;
    if (width === 2) this.keys[entry * width + 1] = hi;
    this.used += width * 4;
    this.record(slot, hash, entry);
    return entry;
  }

  private indexBytes(offsets: ArrayLike<number>, bytes: Uint8Array, rows: ValueRows, out: Int32Array, limit: number): number {
    const { validity, bitOffset, rows: selected } = rows;
    const n = selected ? selected.length : rows.length;
    let slots = this.slots;
    let hashes = this.hashes;
    let mask = slots.length - 1;
    let k = 0;
    let plainBytes = 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let r = 0; r < n; r++) {
      const i = selected ? (selected[r] as number) : r;
      if (validity && ((validity[(bitOffset + i) >> 3] as number) & (1 << ((bitOffset + i) & 7))) === 0) continue;
      const start = offsets[i] as number;
      const end = offsets[i + 1] as number;
      plainBytes += 4 + end - start;
      const hash = hashBytes(view, start, end);
      let slot = (hash ^ (hash >>> 16)) & mask;
      for (;;) {
        const entry = slots[slot] as number;
        if (entry === 0) {
          if (this.used + 4 + end - start > limit) return -1;
          out[k++] = this.addBytes(slot, hash, bytes, start, end);
          // Adding may have grown the table or the entries.
          slots = this.slots;
          hashes = this.hashes;
          mask = slots.length - 1;
          break;
        }
        if (hashes[entry - 1] === hash && this.sameBytes(entry - 1, view, start, end)) {
          out[k++] = entry - 1;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    this.plainBytes += plainBytes;
    return k;
  }

  /**
   * Whether entry `entry` holds the bytes [from, to) of `values`, compared four at a time; a tail
   * of 1-3 bytes as the last four bytes of a value of at least four (overlapping the words before).
   */
  private sameBytes(entry: number, values: DataView, from: number, to: number): boolean {
    const plain = this.plainView;
    const at = this.starts[entry] as number;
    const length = to - from;
    if (plain.getInt32(at, true) !== length) return false;
    let j = 0;
    for (; j + 4 <= length; j += 4) if (plain.getInt32(at + 4 + j, true) !== values.getInt32(from + j, true)) return false;
    if (j === length) return true;
    if (length >= 4) return plain.getInt32(at + length, true) === values.getInt32(to - 4, true);
    for (; j < length; j++) if (plain.getUint8(at + 4 + j) !== values.getUint8(from + j)) return false;
    return true;
  }

  private addBytes(slot: number, hash: number, values: Uint8Array, from: number, to: number): number {
    const entry = this.entries;
    const length = to - from;
    this.reserveBytes(4 + length);
    if (entry >= this.starts.length) this.starts = grow(this.starts);
    const at = this.used;
    this.starts[entry] = at;
    const plain = this.plain;
    plain[at] = length & 0xff;
    plain[at + 1] = (length >>> 8) & 0xff;
    plain[at + 2] = (length >>> 16) & 0xff;
    plain[at + 3] = length >>> 24;
    plain.set(values.subarray(from, to), at + 4);
    this.used += 4 + length;
    this.record(slot, hash, entry);
    return entry;
  }

  private reserveBytes(bytes: number): void {
    if (this.used + bytes <= this.plain.length) return;
    let length = this.plain.length * 2;
    while (length < this.used + bytes) length *= 2;
    const plain = new Uint8Array(length);
    plain.set(this.plain.subarray(0, this.used));
    this.plain = plain;
    this.keys = new Int32Array(plain.buffer);
    this.plainView = new DataView(plain.buffer);
  }

  /**
   * Puts `entry` in `slot`, then doubles the table once it is three quarters full. At half, a
   * dictionary of 65,537 doubles (the bench's `ratio`) took 262,144 slots (1 MiB, past a core's
   * L2 beside its 512 KiB of entries) for one entry past 65,536; probes of a table of values
   * mostly found stay short at three quarters.
   */
  private record(slot: number, hash: number, entry: number): void {
    if (entry >= this.hashes.length) this.hashes = grow(this.hashes);
    this.hashes[entry] = hash;
    this.slots[slot] = entry + 1;
    this.entries = entry + 1;
    if (this.entries * 4 > this.slots.length * 3) this.rehash(this.slots.length * 2);
  }

  /**
   * Makes room for `more` entries (`bytes` more PLAIN bytes) at once: a copy-on-write rewrite
   * adds a source dictionary's entries in one go (65,537 doubles for the bench's `ratio`), which
   * grew the table seven times, rehashing every entry each time, and copied the entries as often.
   */
  reserve(more: number, bytes: number): void {
    const total = this.entries + more;
    let length = this.slots.length;
    while (total * 4 > length * 3) length *= 2;
    if (length > this.slots.length) this.rehash(length);
    if (this.hashes.length < total) this.hashes = grown(this.hashes, total);
    if (this.starts.length < total && this.keyedByBytes) this.starts = grown(this.starts, total);
    this.reserveBytes(bytes);
  }

  /** The hash table in `length` slots (a power of two), every entry placed again. */
  private rehash(length: number): void {
    const slots = new Int32Array(length);
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

/**
 * A 32-bit hash of the bytes [start, end) of `view`, four bytes per multiply; a tail of 1-3 bytes
 * as the last four bytes of a value of at least four (one multiply instead of one per byte).
 */
function hashBytes(view: DataView, start: number, end: number): number {
  let hash = Math.imul(end - start, GOLDEN);
  let j = start;
  for (; j + 4 <= end; j += 4) {
    hash = Math.imul(hash ^ Math.imul(view.getInt32(j, true), MIX), GOLDEN);
    hash ^= hash >>> 13;
  }
  if (j < end) {
    if (end - start >= 4) hash = Math.imul(hash ^ Math.imul(view.getInt32(end - 4, true), MIX), GOLDEN);
    else for (; j < end; j++) hash = Math.imul(hash ^ view.getUint8(j), MIX);
  }
  return Math.imul(hash ^ (hash >>> 15), GOLDEN);
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  return grown(array, array.length * 2);
}

/** `array`'s values at the start of a new array of `length` values. */
function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
