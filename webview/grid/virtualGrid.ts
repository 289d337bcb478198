import { div } from '../dom';
import type { GridColumn } from '../protocol/grid';
import type { RowSource } from './rowSource';
import { scrollFactor, spacerHeight } from './scaledScroll';
import type { SortDirection } from './sortedRows';

const ROW_HEIGHT = 22;
const OVERSCAN = 10;
/** Rows of empty space shown below the loaded rows while more exist, so the scrollbar invites scrolling. */
const MORE_ROWS_HINT = 50;

export interface GridEvents {
  /** The page starting at `offset` is needed. */
  request(offset: number): void;
  /** The user asked to copy text (a cell, or a row as tab-separated values). */
  copy(text: string): void;
  /** A header was clicked: sort by that column (undefined: back to table order). */
  sort?(column: number | undefined, direction: SortDirection): void;
  /** The row at the top of the viewport changed (0-based), e.g. to save the scroll position. */
  moved?(topRow: number): void;
}

/**
 * A grid that renders only the rows in view (plus a margin), reading them from a row source and
 * asking for missing pages through `request(offset)`. ARIA grid roles with row and column indexes,
 * so screen readers know the position in the whole result; arrow keys move the active cell,
 * Home/End (with or without Ctrl) go to the first/last row, Ctrl+C copies the cell and Ctrl+Shift+C its row.
 * Rows are placed by their position in the whole content (`contentTop`), which is the scroll
 * position times a factor once the content outgrows what a browser can scroll (scaledScroll.ts).
 */
export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly headerRow: HTMLElement;
  private selected = 0;
  private selectedColumn = 0;
  private sortColumn: number | undefined;
  private sortDirection: SortDirection = 'ascending';
  private frame = 0;
  /** Content px at the top of the viewport: the scroll position, scaled for very long results. */
  private contentTop = 0;
  /** Content px per scrolled px, as of the last render. */
  private factor = 1;
  /** The scroll position the grid set itself, so its scroll event keeps the exact `contentTop`. */
  private ownScrollTop: number | undefined;
  /** The top row last reported through `moved`. */
  private topRow = -1;

  constructor(
    private readonly columns: GridColumn[],
    private source: RowSource,
    private readonly events: GridEvents,
  ) {
    this.element = div('grid');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-colcount', String(columns.length + 1));
    this.element.tabIndex = 0;
    this.element.style.setProperty('--row-height', `${ROW_HEIGHT}px`);
    this.viewport = div('viewport');
    this.spacer = div('spacer');
    this.body = div('rows');
    this.body.setAttribute('role', 'rowgroup');
    this.headerRow = this.header();
    this.spacer.append(this.headerRow, this.body);
    this.viewport.append(this.spacer);
    this.element.append(this.viewport);
    this.viewport.addEventListener('scroll', () => this.onScroll());
    this.viewport.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  /** Shows another source (e.g. the loaded rows sorted) from its top. */
  setSource(source: RowSource): void {
    this.source = source;
    this.selected = 0;
    this.scrollContentTo(0);
  }

  /**
   * Shows row `index` (0-based) at the top, as far as the rows known allow: how a reloaded panel
   * returns to where the user was. The grid must be in the document.
   */
  scrollToRow(index: number): void {
    // The spacer gets its height in render(); before it the viewport cannot scroll at all.
    this.render();
    this.scrollContentTo(index * ROW_HEIGHT);
  }

  /** Sorts as header clicks would have (undefined: table order), e.g. restoring a saved sort. */
  sortBy(column: number | undefined, direction: SortDirection): void {
    this.sortColumn = column;
    this.sortDirection = direction;
    this.applySort();
  }

  /** The active row's cells, for "Copy Row". */
  selectedRow(): (string | null)[] | undefined {
    return this.source.row(this.selected);
  }

  selectedCell(): string | null | undefined {
    return this.source.row(this.selected)?.[this.selectedColumn];
  }

  /** Redraws on the next frame: many scroll events collapse into one render. */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const { source } = this;
    const total = source.knownRows + (source.done ? 0 : MORE_ROWS_HINT);
    // The row-number column grows with the largest number shown, so "1,000,000" is not cut.
    const indexWidth = Math.max(56, String(total).length * 8 + 20);
    this.element.style.setProperty('--columns', `${indexWidth}px repeat(${this.columns.length}, minmax(120px, 1fr))`);
    this.element.setAttribute('aria-rowcount', source.done ? String(source.knownRows + 1) : '-1');
    const content = (total + 1) * ROW_HEIGHT;
    const { clientHeight, scrollTop } = this.viewport;
    this.spacer.style.height = `${spacerHeight(content)}px`;
    this.factor = scrollFactor(content, clientHeight);
    this.contentTop = this.factor === 1 ? scrollTop : Math.min(this.contentTop, Math.max(0, content - clientHeight));
    // Rows sit at their content position moved by the gap between content and scroll position.
    const shift = this.contentTop - scrollTop;
    const top = Math.floor(this.contentTop / ROW_HEIGHT);
    if (top !== this.topRow) {
      this.topRow = top;
      this.events.moved?.(top);
    }
    const first = Math.max(0, top - OVERSCAN);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(total, first + visible);
    const rows: HTMLElement[] = [];
    for (let index = first; index < last; index += 1) {
      if (source.needs(index)) this.events.request(source.markRequested(index));
      if (source.done && index >= source.knownRows) break;
      rows.push(this.row(index, shift));
    }
    this.body.replaceChildren(...rows);
  }

  private header(): HTMLElement {
    const header = div('row header');
    header.setAttribute('role', 'row');
    header.setAttribute('aria-rowindex', '1');
    header.append(cell('#', 'columnheader', 'index'));
    this.columns.forEach((column, index) => {
      const th = cell(column.name, 'columnheader', column.numeric ? 'numeric' : '');
      th.title = `${column.name}: ${column.type}${this.events.sort ? ' (click to sort the loaded rows)' : ''}`;
      const type = document.createElement('span');
      type.className = 'type';
      type.textContent = column.type;
      th.append(type);
      if (this.events.sort) th.addEventListener('click', () => this.toggleSort(index));
      header.append(th);
    });
    return header;
  }

  /** Ascending, then descending, then table order again. */
  private toggleSort(column: number): void {
    if (this.sortColumn !== column) {
      this.sortColumn = column;
      this.sortDirection = 'ascending';
    } else if (this.sortDirection === 'ascending') {
      this.sortDirection = 'descending';
    } else {
      this.sortColumn = undefined;
    }
    this.applySort();
  }

  private applySort(): void {
    const headers = Array.from(this.headerRow.children).slice(1);
    headers.forEach((th, i) => {
      th.setAttribute('aria-sort', i === this.sortColumn ? this.sortDirection : 'none');
    });
    this.events.sort?.(this.sortColumn, this.sortDirection);
  }

  private onScroll(): void {
    const top = this.viewport.scrollTop;
    // Browsers round scroll positions to device pixels: within a pixel it is the grid's own scroll.
    if (this.ownScrollTop === undefined || Math.abs(top - this.ownScrollTop) >= 1) this.contentTop = top * this.factor;
    this.ownScrollTop = undefined;
    this.schedule();
  }

  /** Scaled, a wheel step would move by `factor` times its pixels: move the content by them instead. */
  private onWheel(event: WheelEvent): void {
    if (this.factor === 1 || event.deltaY === 0) return;
    event.preventDefault();
    const unit = event.deltaMode === WheelEvent.DOM_DELTA_LINE ? ROW_HEIGHT
      : event.deltaMode === WheelEvent.DOM_DELTA_PAGE ? this.viewport.clientHeight : 1;
    this.viewport.scrollLeft += event.deltaX * unit;
    this.scrollContentTo(this.contentTop + event.deltaY * unit);
  }

  /** Shows the content from `top` px (clamped), setting the scroll position that stands for it. */
  private scrollContentTo(top: number): void {
    const content = (this.source.knownRows + (this.source.done ? 0 : MORE_ROWS_HINT) + 1) * ROW_HEIGHT;
    this.contentTop = Math.max(0, Math.min(top, content - this.viewport.clientHeight));
    this.ownScrollTop = this.contentTop / this.factor;
    this.viewport.scrollTop = this.ownScrollTop;
    this.schedule();
  }

  private row(index: number, shift: number): HTMLElement {
    const row = div(index === this.selected ? 'row selected' : 'row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(index + 2));
    row.style.top = `${(index + 1) * ROW_HEIGHT - shift}px`;
    row.append(cell(String(index + 1), 'rowheader', 'index'));
    const values = this.source.row(index);
    this.columns.forEach((column, i) => {
      const value = values?.[i];
      const active = index === this.selected && i === this.selectedColumn;
      const td = cell(values === undefined ? '…' : value ?? 'NULL', 'gridcell',
        `${column.numeric ? 'numeric' : ''}${value === null ? ' null' : ''}${active ? ' active' : ''}`);
      td.setAttribute('aria-colindex', String(i + 2));
      if (active) td.setAttribute('aria-selected', 'true');
      if (value) td.title = value;
      td.addEventListener('click', () => this.select(index, i));
      row.append(td);
    });
    return row;
  }

  private select(index: number, column = this.selectedColumn): void {
    this.selected = Math.max(0, Math.min(index, Math.max(0, this.source.knownRows - 1)));
    this.selectedColumn = Math.max(0, Math.min(column, this.columns.length - 1));
    const top = (this.selected + 1) * ROW_HEIGHT;
    if (top < this.contentTop + ROW_HEIGHT) this.scrollContentTo(top - ROW_HEIGHT);
    else if (top + ROW_HEIGHT > this.contentTop + this.viewport.clientHeight) {
      this.scrollContentTo(top + ROW_HEIGHT - this.viewport.clientHeight);
    } else {
      this.schedule();
    }
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    const copy = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c';
    if (event.key in moves) this.select(this.selected + moves[event.key]);
    else if (event.key === 'ArrowLeft') this.select(this.selected, this.selectedColumn - 1);
    else if (event.key === 'ArrowRight') this.select(this.selected, this.selectedColumn + 1);
    else if (event.key === 'Home') this.select(0);
    else if (event.key === 'End') this.select(this.source.knownRows - 1);
    else if (copy && event.shiftKey) this.copyRow();
    else if (copy) this.copyCell();
    else return;
    event.preventDefault();
  }

  copyCell(): void {
    const value = this.selectedCell();
    if (value !== undefined) this.events.copy(value ?? '');
  }

  /** The active row as tab-separated values, the format spreadsheets paste. */
  copyRow(): void {
    const values = this.selectedRow();
    if (values) this.events.copy(values.map((v) => v ?? '').join('\t'));
  }
}

function cell(text: string, role: string, className: string): HTMLElement {
  const element = div(`cell ${className}`.trim());
  element.setAttribute('role', role);
  element.textContent = text;
  return element;
}
