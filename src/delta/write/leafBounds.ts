import type { Data } from 'apache-arrow';
import { readInt128 } from '../../arrow/decimal128';
import { compareByteRanges } from '../../arrow/compareByteRanges';

/**
 * The min and max of one batch's present values of a statistics leaf, one loop per physical layout.
 * Statistics visit every value of every written row, so these loops stay monomorphic: no closure
 * per row, no validity lookups when the column has no nulls, and 64/128-bit integers compared by
 * their 32-bit words (a BigInt is made only for the two final bounds).
 *
 * Indexing follows apache-arrow's slicing: `Data.slice` narrows the values and offsets buffers but
 * not the validity bitmap, so values are read at the row and validity bits at `offset + row`.
 */

export type Bound = number | bigint | Uint8Array;

export interface BatchBounds {
  min: Bound;
  max: Bound;
}

/**
 * Which rows hold a value: 1 where the leaf and every struct above it are valid. Undefined when
 * no row is null (the common case, which then costs nothing). `nulls` counts the other rows.
 */
export function presenceMask(chain: readonly Data[], length: number): { mask: Uint8Array | undefined; nulls: number } {
  let mask: Uint8Array | undefined;
  for (const data of chain) {
    const bitmap = data.nullBitmap;
    if (!bitmap || bitmap.length === 0 || data.nullCount === 0) continue;
    mask ??= new Uint8Array(length).fill(1);
    const offset = data.offset;
    for (let row = 0; row < length; row++) {
      const bit = offset + row;
      if (((bitmap[bit >> 3] as number) & (1 << (bit & 7))) === 0) mask[row] = 0;
    }
  }
  if (!mask) return { mask, nulls: 0 };
  let present = 0;
  for (let row = 0; row < length; row++) present += mask[row] as number;
  return { mask, nulls: length - present };
}

/** Numbers of any width (int8-32, date days, float, double); NaN is no bound. */
export function numberBounds(values: ArrayLike<number>, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  let found = false;
  let min = 0;
  let max = 0;
  for (let row = 0; row < length; row++) {
    if (mask !== undefined && mask[row] === 0) continue;
    const v = values[row] as number;
    if (v !== v) continue;
    if (!found) {
      found = true;
      min = v;
      max = v;
    } else if (v < min) {
      min = v;
    } else if (v > max) {
      max = v;
    }
  }
  return found ? { min, max } : undefined;
}

/** Whether a float/double leaf holds a NaN among its present values (numberBounds leaves NaN out). */
export function containsNaN(values: ArrayLike<number>, length: number, mask: Uint8Array | undefined): boolean {
  for (let row = 0; row < length; row++) {
    const v = values[row] as number;
    if (v !== v && (mask === undefined || mask[row] === 1)) return true;
  }
  return false;
}

/** Signed 64-bit integers (long, timestamps in microseconds), compared as (high, unsigned low) words. */
export function int64Bounds(values: BigInt64Array, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let minAt = -1;
  let maxAt = -1;
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  for (let row = 0; row < length; row++) {
    if (mask !== undefined && mask[row] === 0) continue;
    const i = row;
    const hi = words[2 * i + 1] as number;
    const lo = (words[2 * i] as number) >>> 0;
    if (minAt < 0) {
      minAt = maxAt = i;
      minHi = maxHi = hi;
      minLo = maxLo = lo;
      continue;
    }
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minAt = i;
      minHi = hi;
      minLo = lo;
    } else if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxAt = i;
      maxHi = hi;
      maxLo = lo;
    }
  }
  return minAt < 0 ? undefined : { min: values[minAt] as bigint, max: values[maxAt] as bigint };
}

/** Arrow Decimal128: four little-endian 32-bit words per value, two's complement. */
export function int128Bounds(words: Uint32Array, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  return smallInt128Bounds(words, length, mask) ?? wideInt128Bounds(words, length, mask);
}

const TWO_32 = 2 ** 32;
/** High 32 bits of the second word that keep a value within +-2^53 (exact as a double). */
const SAFE_HIGH = 2 ** 21;

/**
 * The common case, every value within +-2^53: compared as doubles built from the two low words.
 * Null (to fall back to the general loop) when a value is wider, or when no row holds a value.
 */
function smallInt128Bounds(words: Uint32Array, length: number, mask: Uint8Array | undefined): BatchBounds | null {
  let found = false;
  let min = 0;
  let max = 0;
  let minAt = 0;
  let maxAt = 0;
  for (let row = 0; row < length; row++) {
    if (mask !== undefined && mask[row] === 0) continue;
    const base = 4 * row;
    const w1 = words[base + 1] as number;
    const w2 = words[base + 2] as number;
    const w3 = words[base + 3] as number;
    let v: number;
    if (w3 === 0 && w2 === 0 && w1 < SAFE_HIGH) v = w1 * TWO_32 + (words[base] as number);
    else if (w3 === 0xffffffff && w2 === 0xffffffff && w1 >= TWO_32 - SAFE_HIGH) v = (w1 - TWO_32) * TWO_32 + (words[base] as number);
    else return null;
    if (!found) {
      found = true;
      min = max = v;
      minAt = maxAt = row;
    } else if (v < min) {
      min = v;
      minAt = row;
    } else if (v > max) {
      max = v;
      maxAt = row;
    }
  }
  return found ? { min: readInt128(words, minAt), max: readInt128(words, maxAt) } : null;
}

function wideInt128Bounds(words: Uint32Array, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  let minAt = -1;
  let maxAt = -1;
  for (let row = 0; row < length; row++) {
    if (mask !== undefined && mask[row] === 0) continue;
    if (minAt < 0) {
      minAt = maxAt = row;
    } else if (compareInt128(words, row, minAt) < 0) {
      minAt = row;
    } else if (compareInt128(words, row, maxAt) > 0) {
      maxAt = row;
    }
  }
  return minAt < 0 ? undefined : { min: readInt128(words, minAt), max: readInt128(words, maxAt) };
}

function compareInt128(words: Uint32Array, a: number, b: number): number {
  const high = ((words[4 * a + 3] as number) | 0) - ((words[4 * b + 3] as number) | 0);
  if (high !== 0) return high;
  for (let k = 2; k >= 0; k--) {
    const d = (words[4 * a + k] as number) - (words[4 * b + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * UTF-8 strings with 32-bit offsets, ordered by bytes (which is code point order, the order Delta
 * statistics use). The bounds are copies, so they do not pin the batch's buffers.
 */
export function utf8Bounds(offsets: Int32Array, bytes: Uint8Array, length: number, mask: Uint8Array | undefined): BatchBounds | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let minAt = -1;
  let maxAt = -1;
  for (let row = 0; row < length; row++) {
    if (mask !== undefined && mask[row] === 0) continue;
    if (minAt < 0) {
      minAt = maxAt = row;
    } else if (compareStrings(offsets, view, row, minAt) < 0) {
      minAt = row;
    } else if (compareStrings(offsets, view, row, maxAt) > 0) {
      maxAt = row;
    }
  }
  if (minAt < 0) return undefined;
  const copy = (i: number): Uint8Array => bytes.slice(offsets[i] as number, offsets[i + 1] as number);
  return { min: copy(minAt), max: copy(maxAt) };
}

/** Byte order of rows `a` and `b` of a string or binary column. */
function compareStrings(offsets: Int32Array, view: DataView, a: number, b: number): number {
  return compareByteRanges(view, offsets[a] as number, offsets[a + 1] as number, offsets[b] as number, offsets[b + 1] as number);
}
