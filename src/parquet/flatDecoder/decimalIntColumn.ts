import { definedCount, FixedWidthColumn } from './physicalColumn';
import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';

/**
 * INT32 / INT64 decimals (little-endian two's complement) stored as Arrow's Decimal128: 16 bytes,
 * sign-extended, written straight into the column, as DecimalBytesColumn does for byte decimals. A
 * dictionary is widened once, so dictionary-encoded pages are plain 16-byte copies. Widening per
 * batch after decoding took a pass over the rows and fresh memory per batch (16 bytes a row, never
 * recycled: ~320 MiB per MERGE of the writer bench's two decimal columns); this column's buffer is
 * taken from `buffers` like the others.
 */
export class DecimalIntColumn extends FixedWidthColumn {
  private readonly words: Int32Array;

  constructor(rows: number, private readonly sourceWidth: 4 | 8, buffers: ColumnBuffers = FRESH_BUFFERS) {
    super(rows, 16, buffers);
    this.words = new Int32Array(this.bytes.buffer, this.bytes.byteOffset, rows * 4);
  }

  override get plainWidth(): number {
    return this.sourceWidth;
  }

  override setDictionary(bytes: Uint8Array, start: number, end: number, count: number): void {
    if (end - start < count * this.sourceWidth) throw new Error('a dictionary page shorter than its entries');
    const words = new Int32Array(count * 4);
    widenInts(bytes, start, this.sourceWidth, count, null, words, 0);
    super.setDictionary(new Uint8Array(words.buffer), 0, count * 16, count);
  }

  override plain(bytes: Uint8Array, start: number, end: number, row: number, slots: number, defined: Uint8Array | null): void {
    const width = this.sourceWidth;
    const count = definedCount(slots, defined);
    if (end - start < count * width) throw new Error(`a data page holds ${end - start} bytes for ${count} decimals of ${width} bytes`);
    widenInts(bytes, start, width, slots, defined, this.words, row * 4);
  }
}

/**
 * Widens the little-endian integers of `width` bytes from `bytes[start]`, one per defined slot, to
 * four sign-extended 32-bit words per slot in `words` from `to` (a null slot's words zeroed). A page
 * without nulls goes by its own loop per width: the common case, twice as fast.
 */
function widenInts(bytes: Uint8Array, start: number, width: 4 | 8, slots: number, defined: Uint8Array | null, words: Int32Array, to: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (defined === null && width === 8) {
    for (let slot = 0, at = start, target = to; slot < slots; slot++, at += 8, target += 4) {
      const high = view.getInt32(at + 4, true);
      const extension = high >> 31;
      words[target] = view.getInt32(at, true);
      words[target + 1] = high;
      words[target + 2] = extension;
      words[target + 3] = extension;
    }
    return;
  }
  let at = start;
  for (let slot = 0; slot < slots; slot++) {
    const target = to + slot * 4;
    if (defined !== null && defined[slot] === 0) {
      words[target] = 0;
      words[target + 1] = 0;
      words[target + 2] = 0;
      words[target + 3] = 0;
      continue;
    }
    const low = view.getInt32(at, true);
    const high = width === 8 ? view.getInt32(at + 4, true) : low >> 31;
    const extension = high >> 31;
    words[target] = low;
    words[target + 1] = high;
    words[target + 2] = extension;
    words[target + 3] = extension;
    at += width;
  }
}
