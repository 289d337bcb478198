import type { GridCell } from '../protocol/grid';

/** Where a grid reads its rows: a page cache fed by the host, or a fixed (sorted) list. */
export interface RowSource {
  /** Rows known to exist so far. */
  readonly knownRows: number;
  /** True once `knownRows` is the final length. */
  readonly done: boolean;
  row(index: number): GridCell[] | undefined;
  /** True when the page holding `index` should be requested now. */
  needs(index: number): boolean;
  /** Marks the page holding `index` requested; returns the offset to ask the host for. */
  markRequested(index: number): number;
}
