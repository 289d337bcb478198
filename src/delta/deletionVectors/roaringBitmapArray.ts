import { DeltaError } from '../errors';
import type { DeletedRows } from './deletedRows';
import {
  clearContainerInMask,
  containerCardinality,
  containerFromSortedValues,
  containerHas,
  forEachInContainer,
  type RoaringContainer,
} from './roaringContainer';

const CONTAINER_SPAN = 65536;

/**
 * A set of row indexes as Delta's "RoaringBitmapArray": 16-bit Roaring containers keyed by the
 * remaining high bits of the index (`Math.floor(row / 65536)`), in ascending key order. Row
 * indexes are non-negative integers up to 2^53 - 1, the largest a JS number holds exactly.
 */
export class RoaringBitmapArray implements DeletedRows {
  readonly cardinality: number;

  /**
   * `keys` ascending and distinct, `containers[i]` non-empty and holding the low 16 bits of the
   * rows whose high bits are `keys[i]`.
   */
  constructor(
    readonly keys: readonly number[],
    readonly containers: readonly RoaringContainer[],
  ) {
    let cardinality = 0;
    for (const container of containers) cardinality += containerCardinality(container);
    this.cardinality = cardinality;
  }

  /** Builds the set from row indexes in any order; duplicates are ignored. */
  static fromRows(rows: Iterable<number>): RoaringBitmapArray {
    let sorted = new Float64Array(1024);
    let count = 0;
    let ascending = true;
    for (const row of rows) {
      if (!Number.isSafeInteger(row) || row < 0) {
        throw new DeltaError(
          'DELTA_INVALID_ARGUMENT',
          `Row index ${row} cannot be put in a deletion vector: row indexes are integers from 0 to 2^53 - 1.`,
        );
      }
      if (count === sorted.length) {
        const grown = new Float64Array(sorted.length * 2);
        grown.set(sorted);
        sorted = grown;
      }
      if (count > 0 && row < sorted[count - 1]!) ascending = false;
      sorted[count++] = row;
    }
    sorted = sorted.subarray(0, count);
    if (!ascending) sorted.sort();

    const keys: number[] = [];
    const containers: RoaringContainer[] = [];
    const lows = new Uint16Array(CONTAINER_SPAN);
    let i = 0;
    while (i < count) {
      const key = Math.floor(sorted[i]! / CONTAINER_SPAN);
      const base = key * CONTAINER_SPAN;
      const limit = base + CONTAINER_SPAN;
      let n = 0;
      for (; i < count && sorted[i]! < limit; i++) {
        const low = sorted[i]! - base;
        if (n === 0 || lows[n - 1] !== low) lows[n++] = low;
      }
      keys.push(key);
      containers.push(containerFromSortedValues(lows.subarray(0, n)));
    }
    return new RoaringBitmapArray(keys, containers);
  }

  has(rowIndex: number): boolean {
    if (!Number.isSafeInteger(rowIndex) || rowIndex < 0) return false;
    const key = Math.floor(rowIndex / CONTAINER_SPAN);
    const at = this.indexOfKey(key);
    return at >= 0 && containerHas(this.containers[at]!, rowIndex - key * CONTAINER_SPAN);
  }

  toSortedArray(): Float64Array {
    const out = new Float64Array(this.cardinality);
    let n = 0;
    this.containers.forEach((container, i) => {
      const base = this.keys[i]! * CONTAINER_SPAN;
      forEachInContainer(container, (low) => {
        out[n++] = base + low;
      });
    });
    return out;
  }

  /**
   * Which of the rows [start, start + length) survive: 1 = keep, 0 = deleted. Costs time in the
   * containers overlapping the range, not in the size of the whole set.
   */
  keepMask(start: number, length: number): Uint8Array {
    const mask = new Uint8Array(length).fill(1);
    const end = start + length;
    for (let i = this.firstKeyAtLeast(Math.floor(start / CONTAINER_SPAN)); i < this.keys.length; i++) {
      const base = this.keys[i]! * CONTAINER_SPAN;
      if (base >= end) break;
      const from = Math.max(start, base);
      const to = Math.min(end, base + CONTAINER_SPAN);
      clearContainerInMask(this.containers[i]!, from - base, to - base, mask.subarray(from - start, to - start));
    }
    return mask;
  }

  private indexOfKey(key: number): number {
    const i = this.firstKeyAtLeast(key);
    return i < this.keys.length && this.keys[i] === key ? i : -1;
  }

  private firstKeyAtLeast(key: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
