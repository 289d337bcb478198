/**
 * Parquet's delta encodings and BYTE_STREAM_SPLIT (the format spec's "Encodings" page), decoded into
 * the layout of PLAIN values (little-endian fixed-width values; byte arrays as lengths and one run of
 * bytes), which the physical columns already take.
 */

/** A position in a page being read. */
interface Cursor { bytes: Uint8Array; pos: number; end: number }

/** An unsigned LEB128 varint of up to 64 bits as its low and high 32-bit words. */
function readVarint(cursor: Cursor, out: Int32Array): void {
  let low = 0;
  let high = 0;
  for (let shift = 0; ; shift += 7) {
    if (cursor.pos >= cursor.end) throw new Error('a delta-encoded page ends inside a varint');
    if (shift > 63) throw new Error('a varint longer than 64 bits in a delta-encoded page');
    const byte = cursor.bytes[cursor.pos++] as number;
    const bits = byte & 0x7f;
    if (shift < 32) {
      low |= bits << shift;
      if (shift > 25) high |= bits >>> (32 - shift);
    } else high |= bits << (shift - 32);
    if ((byte & 0x80) === 0) break;
  }
  out[0] = low;
  out[1] = high;
}

/** A varint that must fit 31 bits (block sizes, counts). */
function readSmallVarint(cursor: Cursor, words: Int32Array): number {
  readVarint(cursor, words);
  if (words[1] !== 0 || (words[0] as number) < 0) throw new Error('a delta-encoded page header out of range');
  return words[0] as number;
}

/** Zigzag-decodes the 64-bit value in `words` in place. */
function unzigzag(words: Int32Array): void {
  const low = words[0] as number;
  const high = words[1] as number;
  const negative = -(low & 1);
  words[0] = ((low >>> 1) | (high << 31)) ^ negative;
  words[1] = (high >>> 1) ^ negative;
}

/**
 * `width` (at most 32) bits from bit `bit` of `bytes` (under 512 MiB, so bit positions fit 32 bits),
 * least significant first, as an unsigned number.
 */
function readBits(bytes: Uint8Array, view: DataView, bit: number, width: number): number {
  if (width === 0) return 0;
  const at = bit >>> 3;
  const shift = bit & 7;
  if (at + 5 <= bytes.byteLength) {
    // A 32-bit window and, when the value reaches past it, a fifth byte.
    let value = view.getUint32(at, true) >>> shift;
    if (shift + width > 32) value |= (bytes[at + 4] as number) << (32 - shift);
    return width === 32 ? value >>> 0 : value & ((1 << width) - 1);
  }
  // At the end of the page, byte by byte; bytes past it read as zero (padding).
  let value = 0;
  for (let i = 0; i < 5 && i * 8 < width + shift; i++) value += (bytes[at + i] ?? 0) * 2 ** (8 * i);
  value = Math.floor(value / 2 ** shift);
  return width === 32 ? value >>> 0 : value % 2 ** width;
}

/**
 * Decodes a DELTA_BINARY_PACKED run of `count` values from `cursor` into `out` as 32-bit words
 * (`wide`: two per value, low first, 64-bit arithmetic; else one, 32-bit wrapping arithmetic as
 * INT32 columns are written). Leaves the cursor after the last miniblock it needed.
 */
export function decodeDeltaBinaryPacked(cursor: Cursor, count: number, out: Int32Array, wide: boolean): void {
  const words = new Int32Array(2);
  const blockSize = readSmallVarint(cursor, words);
  const miniblocks = readSmallVarint(cursor, words);
  const total = readSmallVarint(cursor, words);
  if (miniblocks === 0 || blockSize % miniblocks !== 0 || (blockSize / miniblocks) % 8 !== 0) {
    throw new Error(`a DELTA_BINARY_PACKED block of ${blockSize} values in ${miniblocks} miniblocks`);
  }
  if (total < count) throw new Error(`a DELTA_BINARY_PACKED page holds ${total} values, ${count} expected`);
  readVarint(cursor, words);
  unzigzag(words);
  const bytes = cursor.bytes;
  if (bytes.byteLength >= 0x20000000) throw new Error('a DELTA_BINARY_PACKED page of 512 MiB or more');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let low = words[0] as number;
  let high = words[1] as number;
  const perMiniblock = blockSize / miniblocks;
  if (count > 0) {
    out[0] = low;
    if (wide) out[1] = high;
  }
  let done = 1;
  while (done < total) {
    readVarint(cursor, words);
    unzigzag(words);
    const minLow = words[0] as number;
    const minHigh = words[1] as number;
    const widthsAt = cursor.pos;
    cursor.pos += miniblocks;
    if (cursor.pos > cursor.end) throw new Error('a DELTA_BINARY_PACKED block ends inside its bit widths');
    for (let m = 0; m < miniblocks && done < total; m++) {
      const width = bytes[widthsAt + m] as number;
      if (width > 64) throw new Error(`a DELTA_BINARY_PACKED miniblock of ${width}-bit deltas`);
      const lowWidth = Math.min(width, 32);
      // Only the values asked for are stored; the page may hold more (never in practice).
      const span = Math.min(perMiniblock, total - done);
      const take = Math.min(span, Math.max(0, count - done));
      let bit = cursor.pos * 8;
      if (width <= 32 && ((bit + take * width) >>> 3) + 5 <= bytes.byteLength) {
        // The common case, inlined: deltas of at most 32 bits, every 32-bit window inside the page.
        const mask = width === 32 ? -1 : (1 << width) - 1;
        // Past this shift a value does not fit its 32-bit window: a fifth byte is needed.
        const reach = 32 - width;
        if (wide) {
          for (let i = 0; i < take; i++) {
            const at = bit >>> 3;
            const shift = bit & 7;
            let delta = view.getUint32(at, true) >>> shift;
            if (shift > reach) delta |= (bytes[at + 4] as number) << (32 - shift);
            const sum = (low >>> 0) + (minLow >>> 0) + ((delta & mask) >>> 0);
            low = sum | 0;
            high = (high + minHigh + (sum >= 0x200000000 ? 2 : sum >= 0x100000000 ? 1 : 0)) | 0;
            out[done * 2] = low;
            out[done * 2 + 1] = high;
            done++;
            bit += width;
          }
        } else {
          for (let i = 0; i < take; i++) {
            const at = bit >>> 3;
            const shift = bit & 7;
            let delta = view.getUint32(at, true) >>> shift;
            if (shift > reach) delta |= (bytes[at + 4] as number) << (32 - shift);
            low = (low + minLow + (delta & mask)) | 0;
            out[done++] = low;
            bit += width;
          }
        }
      } else if (wide && width > 32 && ((bit + take * width) >>> 3) + 9 <= bytes.byteLength) {
        // Deltas of 33 to 64 bits (random 64-bit values, timestamps), inlined as above: the low word
        // from a 32-bit window and a fifth byte, the high one likewise 32 bits further.
        const highMask = width === 64 ? -1 : (1 << (width - 32)) - 1;
        for (let i = 0; i < take; i++) {
          const at = bit >>> 3;
          const shift = bit & 7;
          let deltaLow = view.getUint32(at, true);
          let deltaHigh = view.getUint32(at + 4, true);
          if (shift !== 0) {
            deltaLow = (deltaLow >>> shift) | (deltaHigh << (32 - shift));
            deltaHigh = (deltaHigh >>> shift) | ((bytes[at + 8] as number) << (32 - shift));
          }
          const sum = (low >>> 0) + (minLow >>> 0) + (deltaLow >>> 0);
          low = sum | 0;
          high = (high + minHigh + (deltaHigh & highMask) + (sum >= 0x200000000 ? 2 : sum >= 0x100000000 ? 1 : 0)) | 0;
          out[done * 2] = low;
          out[done * 2 + 1] = high;
          done++;
          bit += width;
        }
      } else if (wide) {
        for (let i = 0; i < take; i++) {
          const deltaLow = readBits(bytes, view, bit, lowWidth);
          const deltaHigh = width > 32 ? readBits(bytes, view, bit + 32, width - 32) : 0;
          // low + minLow + deltaLow as unsigned 32-bit words; the carries go to the high word.
          const sum = (low >>> 0) + (minLow >>> 0) + deltaLow;
          low = sum | 0;
          high = (high + minHigh + deltaHigh + (sum >= 0x200000000 ? 2 : sum >= 0x100000000 ? 1 : 0)) | 0;
          out[done * 2] = low;
          out[done * 2 + 1] = high;
          done++;
          bit += width;
        }
      } else {
        for (let i = 0; i < take; i++) {
          // Modulo 2^32: the high words cannot change the result.
          low = (low + minLow + readBits(bytes, view, bit, lowWidth)) | 0;
          out[done++] = low;
          bit += width;
        }
      }
      done += span - take;
      cursor.pos += (perMiniblock * width) / 8;
    }
  }
  if (cursor.pos > cursor.end) throw new Error('a DELTA_BINARY_PACKED page ends inside a miniblock');
}

/** Byte arrays in PLAIN's order as lengths and their bytes one after the other. */
export interface ByteArrays { lengths: Int32Array; bytes: Uint8Array }

/** DELTA_LENGTH_BYTE_ARRAY: the lengths (DELTA_BINARY_PACKED), then every value's bytes back to back. */
export function decodeDeltaLengthByteArrays(page: Uint8Array, start: number, count: number): ByteArrays {
  const cursor: Cursor = { bytes: page, pos: start, end: page.byteLength };
  const lengths = new Int32Array(count);
  decodeDeltaBinaryPacked(cursor, count, lengths, false);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const length = lengths[i] as number;
    if (length < 0) throw new Error(`a byte array of length ${length}`);
    total += length;
  }
  if (cursor.pos + total > page.byteLength) throw new Error('DELTA_LENGTH_BYTE_ARRAY values run past their page');
  return { lengths, bytes: page.subarray(cursor.pos, cursor.pos + total) };
}

/**
 * DELTA_BYTE_ARRAY (incremental encoding): prefix lengths (DELTA_BINARY_PACKED), then suffixes
 * (DELTA_LENGTH_BYTE_ARRAY); each value is the previous value's prefix followed by its suffix.
 */
export function decodeDeltaByteArrays(page: Uint8Array, start: number, count: number): ByteArrays {
  const cursor: Cursor = { bytes: page, pos: start, end: page.byteLength };
  const prefixes = new Int32Array(count);
  decodeDeltaBinaryPacked(cursor, count, prefixes, false);
  const suffixes = decodeDeltaLengthByteArrays(page, cursor.pos, count);
  const lengths = new Int32Array(count);
  let total = 0;
  let previous = 0;
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[i] as number;
    if (prefix < 0 || prefix > previous) throw new Error(`a DELTA_BYTE_ARRAY prefix of ${prefix} bytes after a value of ${previous}`);
    previous = prefix + (suffixes.lengths[i] as number);
    lengths[i] = previous;
    total += previous;
  }
  const bytes = new Uint8Array(total);
  const suffixBytes = suffixes.bytes;
  // Word copies through DataViews (values are short: a native copy per value costs more). A prefix
  // is read from the previous value, which ends before this one starts: no overlap.
  const target = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const source = new DataView(suffixBytes.buffer, suffixBytes.byteOffset, suffixBytes.byteLength);
  let at = 0;
  let last = 0;
  let suffixAt = 0;
  for (let i = 0; i < count; i++) {
    const prefix = prefixes[i] as number;
    let b = 0;
    for (; b + 4 <= prefix; b += 4) target.setInt32(at + b, target.getInt32(last + b, true), true);
    for (; b < prefix; b++) bytes[at + b] = bytes[last + b] as number;
    const suffix = suffixes.lengths[i] as number;
    const to = at + prefix;
    b = 0;
    for (; b + 4 <= suffix; b += 4) target.setInt32(to + b, source.getInt32(suffixAt + b, true), true);
    for (; b < suffix; b++) bytes[to + b] = suffixBytes[suffixAt + b] as number;
    suffixAt += suffix;
    last = at;
    at += lengths[i] as number;
  }
  return { lengths, bytes };
}

/** BYTE_STREAM_SPLIT: byte k of value i is at k * count + i; returns the values in PLAIN's layout. */
export function joinByteStreams(page: Uint8Array, start: number, count: number, width: number): Uint8Array {
  if (page.byteLength - start < count * width) throw new Error(`a BYTE_STREAM_SPLIT page holds ${page.byteLength - start} bytes for ${count} values of ${width} bytes`);
  const out = new Uint8Array(count * width);
  if (width % 4 === 0) {
    // Four streams at a time make one little-endian word: a word store per four bytes.
    const words = new Int32Array(out.buffer, 0, (count * width) >> 2);
    const perValue = width >> 2;
    for (let w = 0; w < perValue; w++) {
      const s0 = start + w * 4 * count;
      const s1 = s0 + count;
      const s2 = s1 + count;
      const s3 = s2 + count;
      for (let i = 0; i < count; i++) {
        words[i * perValue + w] = (page[s0 + i] as number) | ((page[s1 + i] as number) << 8) | ((page[s2 + i] as number) << 16) | ((page[s3 + i] as number) << 24);
      }
    }
    return out;
  }
  for (let k = 0; k < width; k++) {
    const stream = start + k * count;
    for (let i = 0; i < count; i++) out[i * width + k] = page[stream + i] as number;
  }
  return out;
}
