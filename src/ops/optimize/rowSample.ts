import type { TypedValue } from '../../delta/predicate/typedValue';
import { seededRandom } from './seededRandom';

/**
 * A uniform reservoir sample of row tuples: a fixed number of rows however many are offered, so
 * sampling a table of any size takes constant memory. Once the reservoir is full it draws how many
 * rows to pass over before the next kept one (Li's Algorithm L) instead of a random number per
 * row (Algorithm R): a Z-order sample of 65,536 rows out of 10M keeps about 330,000 rows and
 * draws as many numbers, and the rows passed over are never read.
 */
export class RowSample {
  readonly rows: TypedValue[][] = [];
  private seen = 0;
  private readonly random: () => number;
  /** Algorithm L's running weight, and the index (over all rows offered) of the next row kept. */
  private weight = 1;
  private nextKept = 0;

  constructor(readonly capacity: number, seed = 0x5eed) {
    this.random = seededRandom(seed);
  }

  /**
   * Offers `count` consecutive rows; `make(i)` builds row i of them (0-based) and is only called
   * for the rows kept, so the rows passed over cost nothing.
   */
  offerRows(count: number, make: (row: number) => TypedValue[]): void {
    if (this.capacity <= 0) {
      this.seen += count;
      return;
    }
    const first = this.seen;
    const end = first + count;
    while (this.rows.length < this.capacity && this.seen < end) {
      this.rows.push(make(this.seen - first));
      this.seen++;
      if (this.rows.length === this.capacity) {
        this.weight = Math.exp(Math.log(this.uniform()) / this.capacity);
        this.nextKept = this.seen + this.gap();
      }
    }
    while (this.rows.length === this.capacity && this.nextKept < end) {
      this.rows[Math.floor(this.random() * this.capacity)] = make(this.nextKept - first);
      this.weight *= Math.exp(Math.log(this.uniform()) / this.capacity);
      this.nextKept += 1 + this.gap();
    }
    this.seen = end;
  }

  /** Rows offered so far. */
  get offered(): number {
    return this.seen;
  }

  /** Rows passed over before the next kept one: geometric with the current weight. */
  private gap(): number {
    if (this.weight >= 1) return 0;
    const gap = Math.floor(Math.log(this.uniform()) / Math.log1p(-this.weight));
    return Number.isFinite(gap) ? gap : Number.MAX_SAFE_INTEGER;
  }

  /** A uniform number in (0, 1): the logarithms above need it above zero. */
  private uniform(): number {
    let u = this.random();
    while (u === 0) u = this.random();
    return u;
  }
}
