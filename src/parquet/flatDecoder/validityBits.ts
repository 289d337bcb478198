/** Arrow validity / boolean bitmaps (least significant bit first) as the flat decoder fills and slices them. */

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let b = byte; b !== 0; b >>= 1) count += b & 1;
  return count;
});

/** Sets `count` bits from `from`, whole bytes at a time in the middle. */
export function setBits(bits: Uint8Array, from: number, count: number): void {
  let at = from;
  const end = from + count;
  while (at < end && (at & 7) !== 0) {
    bits[at >> 3] = (bits[at >> 3] as number) | (1 << (at & 7));
    at++;
  }
  const wholeEnd = end & ~7;
  if (at < wholeEnd) {
    bits.fill(0xff, at >> 3, wholeEnd >> 3);
    at = wholeEnd;
  }
  while (at < end) {
    bits[at >> 3] = (bits[at >> 3] as number) | (1 << (at & 7));
    at++;
  }
}

/**
 * ORs `count` bits of `source` (from bit 0 of byte `start`) into `bits` from bit `to` (whose bits
 * from `to` on are still clear); returns how many were set.
 */
export function orBits(source: Uint8Array, start: number, count: number, bits: Uint8Array, to: number): number {
  const whole = count >> 3;
  const shift = to & 7;
  let set = 0;
  if (shift === 0) {
    const first = to >> 3;
    for (let i = 0; i < whole; i++) {
      const value = source[start + i] as number;
      bits[first + i] = value;
      set += POPCOUNT[value] as number;
    }
  } else {
    const back = 8 - shift;
    let byte = to >> 3;
    for (let i = 0; i < whole; i++) {
      const value = source[start + i] as number;
      bits[byte] = (bits[byte] as number) | ((value << shift) & 0xff);
      bits[++byte] = value >> back;
      set += POPCOUNT[value] as number;
    }
  }
  const rest = count & 7;
  if (rest !== 0) {
    const value = (source[start + whole] as number) & ((1 << rest) - 1);
    set += POPCOUNT[value] as number;
    const at = to + whole * 8;
    bits[at >> 3] = (bits[at >> 3] as number) | ((value << (at & 7)) & 0xff);
    if ((at & 7) + rest > 8) bits[(at >> 3) + 1] = value >> (8 - (at & 7));
  }
  return set;
}

/** Bits [from, from + length) of a bitmap as a bitmap starting at bit 0 (a view when `from` is a byte boundary). */
export function sliceBits(bits: Uint8Array, from: number, length: number): Uint8Array {
  const bytes = (length + 7) >> 3;
  if ((from & 7) === 0) return bits.subarray(from >> 3, (from >> 3) + bytes);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < length; i++) {
    const at = from + i;
    if ((((bits[at >> 3] as number) >> (at & 7)) & 1) !== 0) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  }
  return out;
}

/** How many of the first `length` bits are set. */
export function countSetBits(bits: Uint8Array, length: number): number {
  let count = 0;
  const whole = length >> 3;
  for (let i = 0; i < whole; i++) count += POPCOUNT[bits[i] as number] as number;
  for (let i = whole * 8; i < length; i++) count += ((bits[i >> 3] as number) >> (i & 7)) & 1;
  return count;
}
