import type { GridCell } from '../protocol/grid';
import type { RowSource } from './rowSource';

/**
 * The pages of rows the grid holds, least recently used dropped first, so scrolling through a
 * million rows keeps memory at `maxPages` pages. Dropped pages are fetched again if scrolled back to.
 */
export class PageCache implements RowSource {
  private readonly pages = new Map<number, GridCell[][]>();
  private readonly requested = new Set<number>();
  /** Rows known to exist: the end of the furthest page received. */
  knownRows = 0;
  done = false;

  /** The default holds about 4,000 rows with the preview's default page size, whatever was scrolled. */
  constructor(readonly pageSize: number, private readonly maxPages = 20) {}

  row(index: number): GridCell[] | undefined {
    const page = Math.floor(index / this.pageSize);
    const rows = this.pages.get(page);
    if (!rows) return undefined;
    this.pages.delete(page);
    this.pages.set(page, rows);
    return rows[index - page * this.pageSize];
  }

  /** True when the page holding `index` should be requested now (not held, not in flight). */
  needs(index: number): boolean {
    const page = Math.floor(index / this.pageSize);
    return !this.pages.has(page) && !this.requested.has(page) && (!this.done || index < this.knownRows);
  }

  markRequested(index: number): number {
    const page = Math.floor(index / this.pageSize);
    this.requested.add(page);
    return page * this.pageSize;
  }

  /** Keeps a page; `total` (the scan's row count, once it has ended) fixes the grid's length. */
  store(offset: number, rows: GridCell[][], total: number | undefined): void {
    const page = Math.floor(offset / this.pageSize);
    this.requested.delete(page);
    if (rows.length > 0) this.pages.set(page, rows);
    if (total === undefined) {
      this.knownRows = Math.max(this.knownRows, offset + rows.length);
    } else {
      this.knownRows = total;
      this.done = true;
    }
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.pages.delete(oldest);
    }
  }

  /** The rows held now, in table order (what "sort the loaded rows" sorts). */
  loadedRows(): GridCell[][] {
    return [...this.pages.keys()].sort((a, b) => a - b).flatMap((page) => this.pages.get(page) ?? []);
  }

  get heldPages(): number {
    return this.pages.size;
  }
}
