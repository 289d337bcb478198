/**
 * Decimal128 (and 256) values as exact text. Arrow stores the unscaled integer as little-endian
 * two's complement 32-bit words; converting through bigint keeps all 38 digits that a float would lose.
 */

/** The unscaled value of the `index`-th decimal in `words`, each value `stride` words wide. */
export function readUnscaledDecimal(words: Uint32Array, index: number, stride: number): bigint {
  let value = 0n;
  for (let word = stride - 1; word >= 0; word--) {
    value = (value << 32n) | BigInt(words[index * stride + word]);
  }
  const bits = BigInt(stride * 32);
  const signBit = 1n << (bits - 1n);
  return value & signBit ? value - (1n << bits) : value;
}

/** `unscaled × 10^-scale` with exactly `scale` fraction digits: (1230, 2) -> "12.30", (-5, 2) -> "-0.05". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  let text: string;
  if (scale <= 0) {
    text = digits === '0' ? digits : digits + '0'.repeat(-scale);
  } else {
    const padded = digits.padStart(scale + 1, '0');
    text = `${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  }
  return negative ? `-${text}` : text;
}
