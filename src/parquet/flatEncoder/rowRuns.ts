/**
 * A page's rows as runs of consecutive rows: `[first, end)` pairs, ascending. A copy-on-write
 * rewrite keeps most rows of the batch it read, so a page's selected rows come in runs of hundreds:
 * its values are then copied and bounded a run at a time, not looked up row by row.
 */
export type RowRuns = Int32Array;

/** The runs of `rows` (ascending), or the single run `[0, length)` without a selection; new arrays. */
export function rowRunsOf(rows: Int32Array | undefined, length: number): RowRuns {
  return rows ? new RowRunsScratch().of(rows) : Int32Array.of(0, length);
}

/** Finds the runs of selections one after the other in one reused array (encoding is synchronous). */
export class RowRunsScratch {
  private pairs = new Int32Array(0);

  /** The runs of `rows` (ascending): a view valid until the next call. */
  of(rows: Int32Array): RowRuns {
    const n = rows.length;
    if (this.pairs.length < 2 * n) this.pairs = new Int32Array(2 * n);
    const pairs = this.pairs;
    let count = 0;
    let r = 0;
    while (r < n) {
      const first = rows[r] as number;
      let end = first + 1;
      r++;
      while (r < n && rows[r] === end) {
        end++;
        r++;
      }
      pairs[count++] = first;
      pairs[count++] = end;
    }
    return pairs.subarray(0, count);
  }
}
