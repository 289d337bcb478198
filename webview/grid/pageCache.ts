import type { PreviewCell } from '../protocol/preview';

/**
 * The pages of rows the grid holds, least recently used dropped first, so scrolling through a
 * million rows keeps memory at `maxPages` pages. Dropped pages are fetched again if scrolled back to.
 */
export class PageCache {
  private readonly pages = new Map<number, PreviewCell[][]>();
  private readonly requested = new Set<number>();
  /** Rows known to exist: the end of the furthest page received. */
  knownRows = 0;
  done = false;

  constructor(readonly pageSize: number, private readonly maxPages: number) {}

  row(index: number): PreviewCell[] | undefined {
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
  store(offset: number, rows: PreviewCell[][], total: number | undefined): void {
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

  get heldPages(): number {
    return this.pages.size;
  }
}
