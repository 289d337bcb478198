/** Two's-complement 128-bit integers stored as 4 little-endian 32-bit words (Arrow's Decimal128). */
export function readInt128(words: Uint32Array, index: number): bigint {
  const base = index * 4;
  const unsigned = BigInt(words[base] as number)
    | (BigInt(words[base + 1] as number) << 32n)
    | (BigInt(words[base + 2] as number) << 64n)
    | (BigInt(words[base + 3] as number) << 96n);
  return BigInt.asIntN(128, unsigned);
}

export function writeInt128(words: Uint32Array, index: number, value: bigint): void {
  const unsigned = BigInt.asUintN(128, value);
  const base = index * 4;
  words[base] = Number(unsigned & 0xffffffffn);
  words[base + 1] = Number((unsigned >> 32n) & 0xffffffffn);
  words[base + 2] = Number((unsigned >> 64n) & 0xffffffffn);
  words[base + 3] = Number((unsigned >> 96n) & 0xffffffffn);
}
