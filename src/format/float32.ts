/**
 * The shortest decimal that reads back as the same float32. Arrow hands float32 values over widened
 * to float64 (0.1f becomes 0.10000000149011612); printing that would be noise, so search the fewest
 * significant digits whose nearest float32 is the stored value (nine digits always suffice).
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}
