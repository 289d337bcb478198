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
  let pos = start;
  let n = 0;
  const valueBytes = (bitWidth + 7) >> 3;
  while (n < count) {
    if (pos >= end) throw new Error(`RLE/bit-packed data ends after ${n} of ${count} values`);
    // The run header is a ULEB128 varint: (groups << 1) | 1 for bit-packed, (length << 1) for RLE.
    let header = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[pos++] ?? 0;
      header += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) break;
      scale *= 128;
    }
    if (header % 2 === 0) {
      const length = Math.min(header / 2, count - n);
      let value = 0;
      for (let i = 0; i < valueBytes; i++) value += (bytes[pos + i] ?? 0) * 2 ** (8 * i);
      pos += valueBytes;
      out.fill(value, n, n + length);
      n += length;
    } else {
      const groups = (header - 1) / 2;
      const take = Math.min(groups * 8, count - n);
      unpackBits(bytes, pos, bitWidth, take, out, n);
      pos += groups * bitWidth;
      n += take;
    }
  }
}

/** Unpacks `count` little-endian bit-packed values (least significant bit first) into `out` at `at`. */
export function unpackBits(bytes: Uint8Array, start: number, bitWidth: number, count: number, out: Int32Array | Uint8Array, at: number): void {
  if (bitWidth === 0) {
    out.fill(0, at, at + count);
    return;
  }
  let pos = start;
  if (bitWidth <= 24) {
    const mask = (1 << bitWidth) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < count; i++) {
      while (bits < bitWidth) {
        acc |= (bytes[pos++] ?? 0) << bits;
        bits += 8;
      }
      out[at + i] = acc & mask;
      acc >>>= bitWidth;
      bits -= bitWidth;
    }
    return;
  }
  // Wider indices (dictionaries over 16M entries) need more than 31 bits of accumulator.
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
