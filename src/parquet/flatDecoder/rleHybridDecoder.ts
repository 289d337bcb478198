import { orBits, setBits } from './validityBits';

/**
 * Decodes Parquet's RLE / bit-packed hybrid encoding (the format spec's "Run Length Encoding /
 * Bit-Packing Hybrid"): definition levels, dictionary indices and RLE booleans.
 */

/**
 * Decodes `count` values of `bitWidth` bits from `bytes[start, end)` into `out` from index 0.
 * Throws when the runs end before `count` values.
 */
export function decodeRleHybrid(
  bytes: Uint8Array, start: number, end: number, bitWidth: number, count: number, out: Int32Array | Uint8Array,
): void {
  let n = 0;
  const valueBytes = (bitWidth + 7) >> 3;
  // Bit-packed values up to 24 bits wide are read through 32-bit windows (7 + 24 bits fit; bit
  // positions fit 32 bits below 512 MiB): one view for all the runs.
  const windows = bitWidth <= 24 && bytes.byteLength < 0x20000000 ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null;
  const cursor = { pos: start };
  while (n < count) {
    if (cursor.pos >= end) throw new Error(`RLE/bit-packed data ends after ${n} of ${count} values`);
    const header = readRunHeader(bytes, cursor);
    if (header % 2 === 0) {
      const length = Math.min(header / 2, count - n);
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value += (bytes[cursor.pos + i] ?? 0) * 2 ** (8 * i);
      cursor.pos += valueBytes;
      out.fill(value, n, n + length);
      n += length;
    } else {
      const groups = (header - 1) / 2;
      const take = Math.min(groups * 8, count - n);
      unpackBits(bytes, windows, cursor.pos, bitWidth, take, out, n);
      cursor.pos += groups * bitWidth;
      n += take;
    }
  }
}

/** A run header: a ULEB128 varint, (groups << 1) | 1 for bit-packed, (length << 1) for RLE. */
function readRunHeader(bytes: Uint8Array, cursor: { pos: number }): number {
  let header = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[cursor.pos++] ?? 0;
    header += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return header;
    scale *= 128;
  }
}

/**
 * Decodes `count` definition levels of a column whose maximum level is 1 (bit width 1) straight
 * into a validity bitmap from bit `to` (bits from `to` on still clear): runs of ones become whole
 * bytes and bit-packed groups are already bitmap bytes. Returns how many levels were 1 (defined).
 */
export function decodeLevelBits(bytes: Uint8Array, start: number, end: number, count: number, bits: Uint8Array, to: number): number {
  const cursor = { pos: start };
  let n = 0;
  let defined = 0;
  while (n < count) {
    if (cursor.pos >= end) throw new Error(`definition levels end after ${n} of ${count} values`);
    const header = readRunHeader(bytes, cursor);
    if (header % 2 === 0) {
      const length = Math.min(header / 2, count - n);
      const level = bytes[cursor.pos++] ?? 0;
      if (level > 1) throw new Error(`definition level ${level} in a flat column`);
      if (level === 1) {
        setBits(bits, to + n, length);
        defined += length;
      }
      n += length;
    } else {
      const groups = (header - 1) / 2;
      const take = Math.min(groups * 8, count - n);
      if (cursor.pos + ((take + 7) >> 3) > end) throw new Error(`definition levels end after ${n} of ${count} values`);
      defined += orBits(bytes, cursor.pos, take, bits, to + n);
      cursor.pos += groups;
      n += take;
    }
  }
  return defined;
}

/**
 * Unpacks `count` little-endian bit-packed values (least significant bit first) into `out` at `at`,
 * through `windows` (a view of `bytes`) when given.
 */
function unpackBits(
  bytes: Uint8Array, windows: DataView | null, start: number, bitWidth: number, count: number, out: Int32Array | Uint8Array, at: number,
): void {
  if (bitWidth === 0) {
    out.fill(0, at, at + count);
    return;
  }
  if (windows !== null) {
    const mask = (1 << bitWidth) - 1;
    // The last values, whose window would pass the end of the bytes, are read bit by bit.
    const windowed = Math.max(0, Math.min(count, Math.floor(((bytes.byteLength - 4 - start) * 8) / bitWidth) + 1));
    let bit = start * 8;
    let i = 0;
    for (; i < windowed; i++) {
      out[at + i] = (windows.getUint32(bit >>> 3, true) >>> (bit & 7)) & mask;
      bit += bitWidth;
    }
    for (; i < count; i++) {
      let value = 0;
      for (let b = 0; b < bitWidth; b++) value |= (((bytes[(bit + b) >>> 3] ?? 0) >> ((bit + b) & 7)) & 1) << b;
      out[at + i] = value;
      bit += bitWidth;
    }
    return;
  }
  // Wider values (dictionaries over 16M entries), and pages over 512 MiB: an accumulator of more than 31 bits.
  let pos = start;
  const range = 2 ** bitWidth;
  let acc = 0;
  let scale = 1;
  for (let i = 0; i < count; i++) {
    while (scale < range) {
      acc += (bytes[pos++] ?? 0) * scale;
      scale *= 256;
    }
    out[at + i] = acc % range;
    acc = Math.floor(acc / range);
    scale /= range;
  }
}
