import type { TypedValue } from '../../delta/predicate/typedValue';
import { seededRandom } from './seededRandom';

/**
 * A uniform reservoir sample (Vitter's algorithm R) of row tuples: a fixed number of rows however
 * many are offered, so sampling a table of any size takes constant memory.
 */
export class RowSample {
  readonly rows: TypedValue[][] = [];
  private seen = 0;
  private readonly random: () => number;

  constructor(readonly capacity: number, seed = 0x5eed) {
    this.random = seededRandom(seed);
  }

  /** Offers a row; `make` is only called when the row is kept, so skipped rows cost nothing. */
  offer(make: () => TypedValue[]): void {
    this.seen++;
    if (this.rows.length < this.capacity) {
      this.rows.push(make());
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.rows[slot] = make();
  }

  /** Rows offered so far. */
  get offered(): number {
    return this.seen;
  }
}
