import type { PreviewColumn } from '../protocol/preview';
import type { PageCache } from './pageCache';

const ROW_HEIGHT = 22;
const OVERSCAN = 10;
/** Rows of empty space shown below the loaded rows while more exist, so the scrollbar invites scrolling. */
const MORE_ROWS_HINT = 50;

/**
 * A grid that renders only the rows in view (plus a margin), reading them from the page cache and
 * asking for missing pages through `request(offset)`. ARIA grid roles with row indexes, so screen
 * readers know the position in the whole result; arrow keys move the selected row.
 */
export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private selected = 0;
  private frame = 0;

  constructor(
    private readonly columns: PreviewColumn[],
    private readonly cache: PageCache,
    private readonly request: (offset: number) => void,
  ) {
    this.element = div('grid');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-colcount', String(columns.length + 1));
    this.element.tabIndex = 0;
    this.element.style.setProperty('--columns', `56px repeat(${columns.length}, minmax(120px, 1fr))`);
    this.element.style.setProperty('--row-height', `${ROW_HEIGHT}px`);
    this.viewport = div('viewport');
    this.spacer = div('spacer');
    this.body = div('rows');
    this.body.setAttribute('role', 'rowgroup');
    this.spacer.append(this.header(), this.body);
    this.viewport.append(this.spacer);
    this.element.append(this.viewport);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
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
    const total = this.cache.knownRows + (this.cache.done ? 0 : MORE_ROWS_HINT);
    this.element.setAttribute('aria-rowcount', this.cache.done ? String(this.cache.knownRows + 1) : '-1');
    this.spacer.style.height = `${(total + 1) * ROW_HEIGHT}px`;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(total, first + visible);
    const rows: HTMLElement[] = [];
    for (let index = first; index < last; index += 1) {
      if (this.cache.needs(index)) this.request(this.cache.markRequested(index));
      if (this.cache.done && index >= this.cache.knownRows) break;
      rows.push(this.row(index));
    }
    this.body.replaceChildren(...rows);
  }

  private header(): HTMLElement {
    const header = div('row header');
    header.setAttribute('role', 'row');
    header.setAttribute('aria-rowindex', '1');
    header.append(cell('#', 'columnheader', 'index'));
    for (const column of this.columns) {
      const th = cell(column.name, 'columnheader', column.numeric ? 'numeric' : '');
      th.title = `${column.name}: ${column.type}`;
      const type = document.createElement('span');
      type.className = 'type';
      type.textContent = column.type;
      th.append(type);
      header.append(th);
    }
    return header;
  }

  private row(index: number): HTMLElement {
    const row = div(index === this.selected ? 'row selected' : 'row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(index + 2));
    row.style.top = `${(index + 1) * ROW_HEIGHT}px`;
    row.addEventListener('click', () => this.select(index));
    row.append(cell(String(index + 1), 'rowheader', 'index'));
    const values = this.cache.row(index);
    this.columns.forEach((column, i) => {
      const value = values?.[i];
      const td = cell(values === undefined ? '…' : value ?? 'NULL', 'gridcell',
        `${column.numeric ? 'numeric' : ''}${value === null ? ' null' : ''}`);
      if (value) td.title = value;
      row.append(td);
    });
    return row;
  }

  private select(index: number): void {
    this.selected = Math.max(0, Math.min(index, Math.max(0, this.cache.knownRows - 1)));
    const top = (this.selected + 1) * ROW_HEIGHT;
    if (top < this.viewport.scrollTop + ROW_HEIGHT) this.viewport.scrollTop = top - ROW_HEIGHT;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) {
      this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
    }
    this.schedule();
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (event.key in moves) this.select(this.selected + moves[event.key]);
    else if (event.key === 'Home') this.select(0);
    else if (event.key === 'End') this.select(this.cache.knownRows - 1);
    else if ((event.ctrlKey || event.metaKey) && event.key === 'c') void this.copySelected();
    else return;
    event.preventDefault();
  }

  /** Copies the selected row as tab-separated values, the format spreadsheets paste. */
  private async copySelected(): Promise<void> {
    const values = this.cache.row(this.selected);
    if (values) await navigator.clipboard.writeText(values.map((v) => v ?? '').join('\t'));
  }
}

function div(className: string): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  return element;
}

function cell(text: string, role: string, className: string): HTMLElement {
  const element = div(`cell ${className}`.trim());
  element.setAttribute('role', role);
  element.textContent = text;
  return element;
}
