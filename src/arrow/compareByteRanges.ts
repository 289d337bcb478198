/**
 * Unsigned byte order of two ranges of one buffer, [aStart, aEnd) and [bStart, bEnd), a shorter
 * prefix first: the order of Parquet's and Delta's string and binary bounds. Four bytes at a time
 * (big-endian words order like their bytes), because the values of one column often share a prefix.
 */
export function compareByteRanges(view: DataView, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const aLength = aEnd - aStart;
  const bLength = bEnd - bStart;
  const n = aLength < bLength ? aLength : bLength;
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const x = view.getUint32(aStart + k);
    const y = view.getUint32(bStart + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  for (; k < n; k++) {
    const d = view.getUint8(aStart + k) - view.getUint8(bStart + k);
    if (d !== 0) return d;
  }
  return aLength - bLength;
}
