import type { ByteArrays } from './deltaEncodings';
import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';
import { decodeRleHybrid } from './rleHybridDecoder';

/**
 * A column's values as Parquet stores them, gathered over every selected row group into buffers of
 * one slot per row (a null's slot zeroed / empty). `defined` gives, per slot of a page,
 * whether the row has a value (1) or is null (0); null means every row of the page has one.
 */
export abstract class PhysicalColumn {
  protected dictionarySize = -1;

  constructor(readonly rows: number) {}

  /** Takes a PLAIN-encoded dictionary page of `count` entries. */
  abstract setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void;

  /** Writes the PLAIN values of a data page whose first slot is row `row`. */
  abstract plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void;

  /** Writes the dictionary entries `indices[0..]` (one per defined slot) of a data page. */
  abstract fromDictionary(indices: Int32Array, row: number, slots: number, defined: Uint8Array | null): void;

  /** Bytes per value in PLAIN (fixed-width columns), 0 for the others. */
  get plainWidth(): number {
    return 0;
  }

  /** Byte arrays of the delta encodings (one per defined slot): byte array and fixed-width columns take them. */
  byteArrays(_arrays: ByteArrays, _row: number, _slots: number, _defined: Uint8Array | null): void {
    throw new Error('delta-encoded byte arrays in a column of another type');
  }

  /**
   * Where `count` 32-bit words of PLAIN values from row `row` can be written in place (a fixed-width
   * column of 4- or 8-byte values), or undefined: the caller then decodes elsewhere and calls `plain`.
   */
  wordsAt(_row: number, _count: number): Int32Array | undefined {
    return undefined;
  }

  /** RLE-encoded values (booleans in v2 pages): only the boolean column accepts them. */
  rle(_bytes: Uint8Array, _start: number, _end: number, _row: number, _slots: number, _defined: Uint8Array | null): void {
    throw new Error('RLE-encoded values outside a BOOLEAN column');
  }

  /**
   * The entries of the last dictionary page, copied as the column stores its values (fixed width:
   * `bytes`; byte arrays: `offsets` into `bytes`), or undefined without one.
   */
  dictionaryValues(): DictionaryValues | undefined {
    return undefined;
  }

  /** The dictionary's entry count, for the bound checks made while gathering. */
  protected dictionaryEntries(): number {
    if (this.dictionarySize < 0) throw new Error('a dictionary-encoded page without a dictionary page');
    return this.dictionarySize;
  }

}

/** A dictionary page's entries laid out as a column's values (see PhysicalColumn.dictionaryValues). */
export interface DictionaryValues {
  count: number;
  bytes: Uint8Array;
  /** Byte arrays only: `count + 1` offsets into `bytes`. */
  offsets?: Int32Array;
}

function outOfDictionary(index: number, entries: number): Error {
  return new Error(`dictionary index ${index >>> 0} out of ${entries} entries`);
}

/** Counts the defined slots of a page. */
export function definedCount(slots: number, defined: Uint8Array | null): number {
  if (defined === null) return slots;
  let count = 0;
  for (let i = 0; i < slots; i++) count += defined[i] ?? 0;
  return count;
}

/** Fixed-width values (INT32, INT64, INT96, FLOAT, DOUBLE, FIXED_LEN_BYTE_ARRAY): `width` bytes per row. */
export class FixedWidthColumn extends PhysicalColumn {
  readonly bytes: Uint8Array;
  private dictionary: Uint8Array = new Uint8Array(0);

  constructor(rows: number, readonly width: number, private readonly buffers: ColumnBuffers = FRESH_BUFFERS) {
    super(rows);
    // Not zeroed (a recycled buffer's memset cost ~50 ms of the Parquet worker per MERGE): every
    // page writes each of its slots, a null's with zeros.
    this.bytes = buffers.bytes(rows * width, false);
  }

  override get plainWidth(): number {
    return this.width;
  }

  override wordsAt(row: number, count: number): Int32Array | undefined {
    const width = this.width;
    if ((width !== 4 && width !== 8) || this.plainWidth !== width || this.bytes.byteOffset % 4 !== 0) return undefined;
    return new Int32Array(this.bytes.buffer, this.bytes.byteOffset + row * width, count);
  }

  /** FIXED_LEN_BYTE_ARRAY values of DELTA_BYTE_ARRAY: all of the column's width, so back to back they are PLAIN. */
  override byteArrays(arrays: ByteArrays, row: number, slots: number, defined: Uint8Array | null): void {
    const width = this.plainWidth;
    for (const length of arrays.lengths) if (length !== width) throw new Error(`a ${length}-byte value in a column of ${width}-byte values`);
    this.plain(arrays.bytes, 0, arrays.bytes.byteLength, row, slots, defined);
  }

  setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    if (end - start < count * this.width) throw new Error('a dictionary page shorter than its entries');
    // Read in place when word-aligned (the page is this decode's own, or part of the file, alive
    // while the chunk is decoded); else copied, for the word gathers.
    const entries = bytes.subarray(start, start + count * this.width);
    this.dictionary = entries.byteOffset % 4 === 0 ? entries : entries.slice();
    this.dictionarySize = count;
  }

  plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const width = this.width;
    const count = definedCount(slots, defined);
    if (end - start < count * width) throw new Error(`a data page holds ${end - start} bytes for ${count} values of ${width} bytes`);
    if (defined === null) {
      this.bytes.set(bytes.subarray(start, start + count * width), row * width);
      return;
    }
    const source = (bytes.byteOffset + start) % 4 === 0 ? bytes.subarray(start, start + count * width) : bytes.slice(start, start + count * width);
    this.scatter(source, row, slots, defined, null);
  }

  fromDictionary(indices: Int32Array, row: number, slots: number, defined: Uint8Array | null): void {
    this.scatter(this.dictionary, row, slots, defined, indices, this.dictionaryEntries());
  }

  /** In a buffer from the column's buffers (a rewrite's decode makes one per column and row group). */
  override dictionaryValues(): DictionaryValues | undefined {
    if (this.dictionarySize < 0) return undefined;
    const size = this.dictionarySize * this.width;
    const bytes = this.buffers.bytes(size, false);
    bytes.set(this.dictionary.subarray(0, size));
    return { count: this.dictionarySize, bytes };
  }

  /**
   * Copies value `indices[v]` (or `v`) of `source` to the slot of each defined row; an index of
   * `entries` or more (a corrupt page) throws.
   */
  private scatter(source: Uint8Array, row: number, slots: number, defined: Uint8Array | null, indices: Int32Array | null, entries = 0): void {
    const width = this.width;
    if (width % 4 === 0 && source.byteOffset % 4 === 0) {
      const words = width / 4;
      const from = new Int32Array(source.buffer, source.byteOffset, source.byteLength / 4);
      const to = new Int32Array(this.bytes.buffer, this.bytes.byteOffset + row * width, slots * words);
      if (words === 1 && defined === null && indices !== null) {
        for (let slot = 0; slot < slots; slot++) {
          const index = indices[slot] as number;
          if (index >>> 0 >= entries) throw outOfDictionary(index, entries);
          to[slot] = from[index] as number;
        }
        return;
      }
      if (words === 2 && defined === null && indices !== null) {
        for (let slot = 0; slot < slots; slot++) {
          const index = indices[slot] as number;
          if (index >>> 0 >= entries) throw outOfDictionary(index, entries);
          to[slot * 2] = from[index * 2] as number;
          to[slot * 2 + 1] = from[index * 2 + 1] as number;
        }
        return;
      }
      if (words === 4 && defined === null && indices !== null) {
        for (let slot = 0; slot < slots; slot++) {
          const index = indices[slot] as number;
          if (index >>> 0 >= entries) throw outOfDictionary(index, entries);
          const origin = index * 4;
          const target = slot * 4;
          to[target] = from[origin] as number;
          to[target + 1] = from[origin + 1] as number;
          to[target + 2] = from[origin + 2] as number;
          to[target + 3] = from[origin + 3] as number;
        }
        return;
      }
      let v = 0;
      for (let slot = 0; slot < slots; slot++) {
        const target = slot * words;
        if (defined !== null && defined[slot] === 0) {
          for (let w = 0; w < words; w++) to[target + w] = 0;
          continue;
        }
        let value = v;
        if (indices !== null) {
          value = indices[v] as number;
          if (value >>> 0 >= entries) throw outOfDictionary(value, entries);
        }
        v++;
        const origin = value * words;
        for (let w = 0; w < words; w++) to[target + w] = from[origin + w] as number;
      }
      return;
    }
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined !== null && defined[slot] === 0) {
        this.bytes.fill(0, (row + slot) * width, (row + slot + 1) * width);
        continue;
      }
      let value = v;
      if (indices !== null) {
        value = indices[v] as number;
        if (value >>> 0 >= entries) throw outOfDictionary(value, entries);
      }
      v++;
      this.bytes.set(source.subarray(value * width, value * width + width), (row + slot) * width);
    }
  }
}

/**
 * FIXED_LEN_BYTE_ARRAY decimals (big-endian two's complement of `sourceWidth` bytes) stored as
 * Arrow's Decimal128: 16 little-endian bytes, sign-extended, written straight into the column. A
 * dictionary is converted once, so dictionary-encoded pages are plain 16-byte copies.
 */
export class DecimalBytesColumn extends FixedWidthColumn {
  private readonly words: Int32Array;

  constructor(rows: number, private readonly sourceWidth: number, buffers: ColumnBuffers = FRESH_BUFFERS) {
    super(rows, 16, buffers);
    this.words = new Int32Array(this.bytes.buffer, this.bytes.byteOffset, rows * 4);
  }

  override get plainWidth(): number {
    return this.sourceWidth;
  }

  override setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    const width = this.sourceWidth;
    if (end - start < count * width) throw new Error('a dictionary page shorter than its entries');
    const words = new Int32Array(count * 4);
    for (let i = 0; i < count; i++) widenDecimal(bytes, start + i * width, width, words, i * 4);
    super.setDictionary(new Uint8Array(words.buffer), 0, count * 16, count);
  }

  override plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const width = this.sourceWidth;
    const count = definedCount(slots, defined);
    if (end - start < count * width) throw new Error(`a data page holds ${end - start} bytes for ${count} decimals of ${width} bytes`);
    const words = this.words;
    let at = start;
    for (let slot = 0; slot < slots; slot++) {
      if (defined !== null && defined[slot] === 0) {
        words.fill(0, (row + slot) * 4, (row + slot + 1) * 4);
        continue;
      }
      widenDecimal(bytes, at, width, words, (row + slot) * 4);
      at += width;
    }
  }
}

/**
 * A big-endian two's complement integer of `size` (at most 16) bytes as a Decimal128: four
 * little-endian 32-bit words from `words[to]`, sign-extended. Up to 8 bytes (precision 18, the
 * common case) without a byte loop.
 */
export function widenDecimal(source: Uint8Array, at: number, size: number, words: Int32Array, to: number): void {
  if (size <= 8) {
    let low: number;
    let high: number;
    if (size >= 4) {
      const last = at + size - 4;
      low = ((source[last] as number) << 24) | ((source[last + 1] as number) << 16) | ((source[last + 2] as number) << 8) | (source[last + 3] as number);
      if (size === 4) high = low >> 31;
      else {
        high = ((source[at] as number) << 24) >> 24;
        for (let i = at + 1; i < last; i++) high = (high << 8) | (source[i] as number);
      }
    } else {
      low = size === 0 ? 0 : ((source[at] as number) << 24) >> 24;
      for (let i = at + 1; i < at + size; i++) low = (low << 8) | (source[i] as number);
      high = low >> 31;
    }
    const extension = high >> 31;
    words[to] = low;
    words[to + 1] = high;
    words[to + 2] = extension;
    words[to + 3] = extension;
    return;
  }
  const extension = ((source[at] as number) & 0x80) !== 0 ? 0xff : 0;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let b = 3; b >= 0; b--) {
      const p = w * 4 + b;
      word = (word << 8) | (p < size ? source[at + size - 1 - p] as number : extension);
    }
    words[to + w] = word;
  }
}

/** BOOLEAN values as an Arrow bitmap of one bit per row. */
export class BooleanColumn extends PhysicalColumn {
  readonly bits: Uint8Array;

  constructor(rows: number) {
    super(rows);
    this.bits = new Uint8Array((rows + 7) >> 3);
  }

  setDictionary(): void {
    throw new Error('a dictionary page in a BOOLEAN column');
  }

  plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const count = definedCount(slots, defined);
    if ((end - start) * 8 < count) throw new Error('a BOOLEAN data page shorter than its values');
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined !== null && defined[slot] === 0) continue;
      const bit = ((bytes[start + (v >> 3)] ?? 0) >> (v & 7)) & 1;
      v++;
      if (bit !== 0) this.setBit(row + slot);
    }
  }

  override rle(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const count = definedCount(slots, defined);
    // v2 RLE booleans are prefixed with their byte length, like v1 definition levels.
    const length = readUint32(bytes, start);
    const values = new Uint8Array(count);
    decodeRleHybrid(bytes, start + 4, Math.min(end, start + 4 + length), 1, count, values);
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined !== null && defined[slot] === 0) continue;
      if (values[v++] !== 0) this.setBit(row + slot);
    }
  }

  fromDictionary(): void {
    throw new Error('a dictionary-encoded BOOLEAN page');
  }

  private setBit(row: number): void {
    this.bits[row >> 3] = (this.bits[row >> 3] ?? 0) | (1 << (row & 7));
  }
}

/** BYTE_ARRAY values as Arrow 32-bit offsets and data, copied straight from the page bytes. */
export class ByteArrayColumn extends PhysicalColumn {
  readonly offsets: Int32Array;
  data: Uint8Array;
  /** `data` as a DataView, for the word copies. */
  private view: DataView;
  private length = 0;
  /** The dictionary page's bytes and where each entry's value starts in them and how long it is. */
  private dictionary: Uint8Array = new Uint8Array(0);
  private dictionaryStarts = new Int32Array(0);
  private dictionarySizes = new Int32Array(0);

  constructor(rows: number, expectedBytes: number, private readonly buffers: ColumnBuffers = FRESH_BUFFERS) {
    super(rows);
    // Not zeroed: every slot's end offset is written, and the data is read only up to the last one.
    this.offsets = new Int32Array(buffers.bytes((rows + 1) * 4, false).buffer, 0, rows + 1);
    this.offsets[0] = 0;
    this.data = buffers.bytes(Math.min(0x7fffffff, Math.max(64, expectedBytes)), false);
    this.view = new DataView(this.data.buffer, 0, this.data.byteLength);
  }

  /** The data bytes actually written. */
  get byteLength(): number {
    return this.length;
  }

  setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    // Entries are read where the page holds them: the page is this decode's own (decompressed) or
    // part of the file, both alive while the column is decoded.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const starts = new Int32Array(count);
    const sizes = new Int32Array(count);
    let pos = start;
    for (let i = 0; i < count; i++) {
      if (pos + 4 > end) throw new Error('a dictionary page shorter than its entries');
      const size = view.getUint32(pos, true);
      pos += 4;
      if (pos + size > end) throw new Error('a dictionary page shorter than its entries');
      starts[i] = pos;
      sizes[i] = size;
      pos += size;
    }
    this.dictionary = bytes;
    this.dictionaryStarts = starts;
    this.dictionarySizes = sizes;
    this.dictionarySize = count;
  }

  plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    // The page's values fit in its bytes: one capacity check, then copies without checks.
    this.reserve(end - start);
    const source = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offsets = this.offsets;
    let length = this.length;
    let pos = start;
    for (let slot = 0; slot < slots; slot++) {
      if (defined === null || defined[slot] !== 0) {
        if (pos + 4 > end) throw new Error('a BYTE_ARRAY length runs past its data page');
        const size = source.getUint32(pos, true);
        pos += 4;
        if (pos + size > end) throw new Error('a BYTE_ARRAY value runs past its data page');
        this.append(bytes, source, pos, size, length);
        length += size;
        pos += size;
      }
      offsets[row + slot + 1] = length;
    }
    this.length = length;
  }

  fromDictionary(indices: Int32Array, row: number, slots: number, defined: Uint8Array | null): void {
    const count = definedCount(slots, defined);
    const entries = this.dictionaryEntries();
    const starts = this.dictionaryStarts;
    const sizes = this.dictionarySizes;
    let needed = 0;
    for (let v = 0; v < count; v++) {
      const index = indices[v] as number;
      if (index >>> 0 >= entries) throw outOfDictionary(index, entries);
      needed += sizes[index] as number;
    }
    this.reserve(needed);
    const dictionary = this.dictionary;
    const source = new DataView(dictionary.buffer, dictionary.byteOffset, dictionary.byteLength);
    const offsets = this.offsets;
    let length = this.length;
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined === null || defined[slot] !== 0) {
        const index = indices[v++] as number;
        const size = sizes[index] as number;
        this.append(dictionary, source, starts[index] as number, size, length);
        length += size;
      }
      offsets[row + slot + 1] = length;
    }
    this.length = length;
  }

  /** In buffers from the column's buffers (a rewrite's decode makes them per column and row group). */
  override dictionaryValues(): DictionaryValues | undefined {
    const count = this.dictionarySize;
    if (count < 0) return undefined;
    const offsets = new Int32Array(this.buffers.bytes((count + 1) * 4, false).buffer, 0, count + 1);
    offsets[0] = 0;
    for (let i = 0; i < count; i++) offsets[i + 1] = (offsets[i] as number) + (this.dictionarySizes[i] as number);
    const bytes = this.buffers.bytes(offsets[count] as number, false);
    for (let i = 0; i < count; i++) {
      const start = this.dictionaryStarts[i] as number;
      bytes.set(this.dictionary.subarray(start, start + (this.dictionarySizes[i] as number)), offsets[i] as number);
    }
    return { count, bytes, offsets };
  }

  override byteArrays(arrays: ByteArrays, row: number, slots: number, defined: Uint8Array | null): void {
    const { lengths, bytes } = arrays;
    this.reserve(bytes.byteLength);
    this.data.set(bytes, this.length);
    const offsets = this.offsets;
    let length = this.length;
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined === null || defined[slot] !== 0) length += lengths[v++] as number;
      offsets[row + slot + 1] = length;
    }
    this.length = length;
  }

  /**
   * Copies `size` bytes from `bytes[from]` to the data at `to` (room reserved): short values four
   * bytes at a time through DataViews (a native copy costs more than the loop for them).
   */
  private append(bytes: Uint8Array, source: DataView, from: number, size: number, to: number): void {
    if (size >= 64) {
      this.data.set(bytes.subarray(from, from + size), to);
      return;
    }
    const target = this.view;
    const data = this.data;
    let i = 0;
    for (; i + 4 <= size; i += 4) target.setInt32(to + i, source.getInt32(from + i, true), true);
    for (; i < size; i++) data[to + i] = bytes[from + i] as number;
  }

  /** Makes room for `more` bytes of data. */
  private reserve(more: number): void {
    const needed = this.length + more;
    if (needed <= this.data.byteLength) return;
    if (needed > 0x7fffffff) throw new Error('string/binary data over 2 GiB in one column');
    const grown = this.buffers.bytes(Math.min(0x7fffffff, Math.max(needed, this.data.byteLength * 2)), false);
    grown.set(this.data.subarray(0, this.length));
    this.buffers.drop(this.data);
    this.data = grown;
    this.view = new DataView(grown.buffer, 0, grown.byteLength);
  }
}

export function readUint32(bytes: Uint8Array, pos: number): number {
  if (pos + 4 > bytes.byteLength) throw new Error('a length prefix runs past the page');
  return ((bytes[pos] ?? 0) | ((bytes[pos + 1] ?? 0) << 8) | ((bytes[pos + 2] ?? 0) << 16)) + (bytes[pos + 3] ?? 0) * 0x1000000;
}
