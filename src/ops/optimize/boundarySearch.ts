/**
 * How many of a column's sorted, distinct range boundaries are at or below a value: the range id
 * of every row of a Z-order run (10M rows, two columns). A plain binary search over 1,023
 * boundaries takes ten unpredictable branches per value; here a guide table over equal-width
 * slices of the boundaries' span narrows it to the few boundaries in the value's slice first.
 * The answer stays exact for any distribution: the slice of a value is a monotone function of it,
 * so every boundary in an earlier slice is below it and every one in a later slice above it.
 */
export class BoundarySearch {
  readonly length: number;
  private readonly low: number;
  private readonly high: number;
  private readonly perUnit: number;
  private readonly slices: number;
  /** first[k]: how many boundaries lie in slices before k (first[slices] = length). */
  private readonly first: Int32Array;

  /** `bounds`: ascending, distinct, no NaN. */
  constructor(private readonly bounds: Float64Array) {
    this.length = bounds.length;
    this.low = bounds[0] ?? 0;
    this.high = bounds[bounds.length - 1] ?? 0;
    const span = this.high - this.low;
    this.slices = bounds.length >= 2 && Number.isFinite(span) && span > 0 ? bounds.length * 4 : 1;
    this.perUnit = this.slices > 1 ? this.slices / span : 0;
    this.first = new Int32Array(this.slices + 1);
    for (const bound of bounds) this.first[this.sliceOf(bound) + 1]! += 1;
    for (let k = 0; k < this.slices; k++) this.first[k + 1]! += this.first[k]!;
  }

  /** How many boundaries are <= value (value not NaN). */
  upperBound(value: number): number {
    if (this.length === 0 || value < this.low) return 0;
    if (value >= this.high) return this.length;
    const slice = this.sliceOf(value);
    let low = this.first[slice] as number;
    let high = this.first[slice + 1] as number;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.bounds[mid] as number) <= value) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private sliceOf(value: number): number {
    const slice = Math.floor((value - this.low) * this.perUnit);
    // Not above zero covers NaN too (an infinite boundary leaves one slice and perUnit 0).
    if (!(slice > 0)) return 0;
    return slice >= this.slices ? this.slices - 1 : slice;
  }
}
