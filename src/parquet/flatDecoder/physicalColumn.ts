import { decodeRleHybrid } from './rleHybridDecoder';

/**
 * A column's values as Parquet stores them, gathered over every selected row group into buffers of
 * one slot per row (a null leaves its slot zeroed / empty). `defined` gives, per slot of a page,
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

  /** RLE-encoded values (booleans in v2 pages): only the boolean column accepts them. */
  rle(_bytes: Uint8Array, _start: number, _end: number, _row: number, _slots: number, _defined: Uint8Array | null): void {
    throw new Error('RLE-encoded values outside a BOOLEAN column');
  }

  protected checkIndices(indices: Int32Array, count: number): void {
    if (this.dictionarySize < 0) throw new Error('a dictionary-encoded page without a dictionary page');
    const size = this.dictionarySize;
    for (let i = 0; i < count; i++) {
      const index = indices[i] ?? 0;
      if (index < 0 || index >= size) throw new Error(`dictionary index ${index} out of ${size} entries`);
    }
  }
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
  private dictionary = new Uint8Array(0);

  constructor(rows: number, readonly width: number) {
    super(rows);
    this.bytes = new Uint8Array(rows * width);
  }

  setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    if (end - start < count * this.width) throw new Error('a dictionary page shorter than its entries');
    this.dictionary = bytes.slice(start, start + count * this.width);
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
    this.checkIndices(indices, definedCount(slots, defined));
    this.scatter(this.dictionary, row, slots, defined, indices);
  }

  /** Copies value `indices[v]` (or `v`) of `source` to the slot of each defined row. */
  private scatter(source: Uint8Array, row: number, slots: number, defined: Uint8Array | null, indices: Int32Array | null): void {
    const width = this.width;
    if (width % 4 === 0 && source.byteOffset % 4 === 0) {
      const words = width / 4;
      const from = new Int32Array(source.buffer, source.byteOffset, source.byteLength / 4);
      const to = new Int32Array(this.bytes.buffer, this.bytes.byteOffset + row * width, slots * words);
      if (words === 1 && defined === null && indices !== null) {
        for (let slot = 0; slot < slots; slot++) to[slot] = from[indices[slot] as number] as number;
        return;
      }
      if (words === 2 && defined === null && indices !== null) {
        for (let slot = 0; slot < slots; slot++) {
          const origin = (indices[slot] as number) * 2;
          to[slot * 2] = from[origin] as number;
          to[slot * 2 + 1] = from[origin + 1] as number;
        }
        return;
      }
      let v = 0;
      for (let slot = 0; slot < slots; slot++) {
        if (defined !== null && defined[slot] === 0) continue;
        const origin = (indices === null ? v : indices[v] as number) * words;
        v++;
        const target = slot * words;
        for (let w = 0; w < words; w++) to[target + w] = from[origin + w] as number;
      }
      return;
    }
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined !== null && defined[slot] === 0) continue;
      const value = indices === null ? v : indices[v] ?? 0;
      v++;
      this.bytes.set(source.subarray(value * width, value * width + width), (row + slot) * width);
    }
  }
}

/**
 * FIXED_LEN_BYTE_ARRAY decimals (big-endian two's complement of `sourceWidth` bytes) stored as
 * Arrow's Decimal128: 16 little-endian bytes, sign-extended. A dictionary is converted once, so
 * dictionary-encoded pages are plain 16-byte copies.
 */
export class DecimalBytesColumn extends FixedWidthColumn {
  constructor(rows: number, private readonly sourceWidth: number) {
    super(rows, 16);
  }

  override setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    if (end - start < count * this.sourceWidth) throw new Error('a dictionary page shorter than its entries');
    super.setDictionary(this.widen(bytes, start, count), 0, count * 16, count);
  }

  override plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const count = definedCount(slots, defined);
    if (end - start < count * this.sourceWidth) throw new Error(`a data page holds ${end - start} bytes for ${count} decimals of ${this.sourceWidth} bytes`);
    super.plain(this.widen(bytes, start, count), 0, count * 16, row, slots, defined);
  }

  private widen(bytes: Uint8Array, start: number, count: number): Uint8Array {
    const width = this.sourceWidth;
    const out = new Uint8Array(count * 16);
    for (let i = 0; i < count; i++) writeDecimal128(bytes, start + i * width, width, out, i * 16);
    return out;
  }
}

/** A big-endian two's complement integer of `size` (at most 16) bytes as 16 little-endian bytes, sign-extended. */
export function writeDecimal128(source: Uint8Array, at: number, size: number, out: Uint8Array, to: number): void {
  if (size === 0) return;
  for (let i = 0; i < size; i++) out[to + i] = source[at + size - 1 - i] as number;
  if (((source[at] as number) & 0x80) !== 0) out.fill(0xff, to + size, to + 16);
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
  private length = 0;
  private dictionaryOffsets = new Int32Array(1);
  private dictionaryData = new Uint8Array(0);

  constructor(rows: number, expectedBytes: number) {
    super(rows);
    this.offsets = new Int32Array(rows + 1);
    this.data = new Uint8Array(Math.max(64, expectedBytes));
  }

  /** The data bytes actually written. */
  get byteLength(): number {
    return this.length;
  }

  setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    const offsets = new Int32Array(count + 1);
    let pos = start;
    for (let i = 0; i < count; i++) {
      const size = readUint32(bytes, pos);
      pos += 4 + size;
      if (pos > end) throw new Error('a dictionary page shorter than its entries');
      offsets[i + 1] = (offsets[i] ?? 0) + size;
    }
    // Entries without their length prefixes, so a lookup is one subarray.
    const data = new Uint8Array(offsets[count] ?? 0);
    pos = start;
    for (let i = 0; i < count; i++) {
      const size = readUint32(bytes, pos);
      data.set(bytes.subarray(pos + 4, pos + 4 + size), offsets[i] ?? 0);
      pos += 4 + size;
    }
    this.dictionaryOffsets = offsets;
    this.dictionaryData = data;
    this.dictionarySize = count;
  }

  plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    // The page's values fit in its bytes: one capacity check, then copies without checks.
    this.reserve(end - start);
    const offsets = this.offsets;
    const data = this.data;
    let length = this.length;
    let pos = start;
    for (let slot = 0; slot < slots; slot++) {
      if (defined === null || defined[slot] !== 0) {
        if (pos + 4 > end) throw new Error('a BYTE_ARRAY length runs past its data page');
        const size = ((bytes[pos] as number) | ((bytes[pos + 1] as number) << 8) | ((bytes[pos + 2] as number) << 16) | ((bytes[pos + 3] as number) << 24)) >>> 0;
        pos += 4;
        if (pos + size > end) throw new Error('a BYTE_ARRAY value runs past its data page');
        if (size < 32) for (let i = 0; i < size; i++) data[length + i] = bytes[pos + i] as number;
        else data.set(bytes.subarray(pos, pos + size), length);
        length += size;
        pos += size;
      }
      offsets[row + slot + 1] = length;
    }
    this.length = length;
  }

  fromDictionary(indices: Int32Array, row: number, slots: number, defined: Uint8Array | null): void {
    const count = definedCount(slots, defined);
    this.checkIndices(indices, count);
    const dictionaryOffsets = this.dictionaryOffsets;
    const dictionary = this.dictionaryData;
    let needed = 0;
    for (let v = 0; v < count; v++) {
      const index = indices[v] as number;
      needed += (dictionaryOffsets[index + 1] as number) - (dictionaryOffsets[index] as number);
    }
    this.reserve(needed);
    const data = this.data;
    const offsets = this.offsets;
    let length = this.length;
    let v = 0;
    for (let slot = 0; slot < slots; slot++) {
      if (defined === null || defined[slot] !== 0) {
        const index = indices[v++] as number;
        const from = dictionaryOffsets[index] as number;
        const size = (dictionaryOffsets[index + 1] as number) - from;
        if (size < 32) for (let i = 0; i < size; i++) data[length + i] = dictionary[from + i] as number;
        else data.set(dictionary.subarray(from, from + size), length);
        length += size;
      }
      offsets[row + slot + 1] = length;
    }
    this.length = length;
  }

  /** Makes room for `more` bytes of data. */
  private reserve(more: number): void {
    const needed = this.length + more;
    if (needed <= this.data.byteLength) return;
    if (needed > 0x7fffffff) throw new Error('string/binary data over 2 GiB in one column');
    const grown = new Uint8Array(Math.min(0x7fffffff, Math.max(needed, this.data.byteLength * 2)));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

export function readUint32(bytes: Uint8Array, pos: number): number {
  if (pos + 4 > bytes.byteLength) throw new Error('a length prefix runs past the page');
  return ((bytes[pos] ?? 0) | ((bytes[pos + 1] ?? 0) << 8) | ((bytes[pos + 2] ?? 0) << 16)) + (bytes[pos + 3] ?? 0) * 0x1000000;
}
