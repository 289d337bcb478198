import type { GridCell } from '../protocol/grid';
import type { RowSource } from './rowSource';

export type SortDirection = 'ascending' | 'descending';

/**
 * The rows loaded so far, sorted by one column: sorting is done on what the webview holds, never
 * on the whole table (that would need the whole table here). Nulls sort last either way.
 */
export class SortedRows implements RowSource {
  readonly done = true;
  private readonly rows: GridCell[][];

  constructor(rows: GridCell[][], column: number, numeric: boolean, direction: SortDirection) {
    const sign = direction === 'ascending' ? 1 : -1;
    const compare = numeric
      ? (a: string, b: string): number => Number(a) - Number(b)
      : (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    this.rows = [...rows].sort((x, y) => {
      const a = x[column] ?? null;
      const b = y[column] ?? null;
      if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
      return sign * compare(a, b);
    });
  }

  get knownRows(): number {
    return this.rows.length;
  }

  row(index: number): GridCell[] | undefined {
    return this.rows[index];
  }

  needs(): boolean {
    return false;
  }

  markRequested(index: number): number {
    return index;
  }
}
