import { div } from '../dom';
import { PageCache } from '../grid/pageCache';
import { SortedRows, type SortDirection } from '../grid/sortedRows';
import { VirtualGrid } from '../grid/virtualGrid';
import type { GridColumn } from '../protocol/grid';
import { isPreviewHostMessage, type PreviewInit, type PreviewWebviewMessage } from '../protocol/preview';
import { hostSender, listenToHost, savedViewState, saveViewState } from '../vscodeApi';
import { button } from '../widgets/button';
import { errorAlert, statusLine } from '../widgets/liveRegion';

interface PreviewState { init: PreviewInit; cache: PageCache; grid: VirtualGrid; sorted: boolean }

/**
 * What only the webview knows of the view, saved in VS Code's webview state so that a reload (the
 * tab back from the background) returns to it: the top row and the sort of one query generation.
 */
interface PreviewViewState {
  generation: number;
  topRow: number;
  sort?: { column: number; direction: SortDirection };
}

function isPreviewViewState(value: unknown): value is PreviewViewState {
  if (typeof value !== 'object' || value === null) return false;
  if (!('generation' in value && Number.isInteger(value.generation) && 'topRow' in value && Number.isInteger(value.topRow))) return false;
  if (!('sort' in value) || value.sort === undefined) return true;
  const { sort } = value;
  return typeof sort === 'object' && sort !== null && 'column' in sort && Number.isInteger(sort.column)
    && 'direction' in sort && (sort.direction === 'ascending' || sort.direction === 'descending');
}

/**
 * The data preview: a toolbar (columns, filter, copy, export), a status line and a virtualised
 * grid fed page by page from the host.
 */
export function startPreview(root: HTMLElement): void {
  const send = hostSender<PreviewWebviewMessage>();
  const toolbar = div('toolbar');
  toolbar.setAttribute('role', 'toolbar');
  const columnsButton = button('Columns', 'Choose the columns to show');
  const filter = document.createElement('input');
  filter.className = 'filter';
  filter.type = 'text';
  filter.placeholder = "Filter, e.g. id > 10 AND name = 'x'";
  filter.setAttribute('aria-label', 'Filter rows (predicate)');
  filter.spellcheck = false;
  const apply = button('Apply', 'Run the filter (Enter)');
  const copyCell = button('Copy Cell', 'Copy the active cell (Ctrl+C)');
  const copyRow = button('Copy Row', 'Copy the active row as tab-separated values (Ctrl+Shift+C)');
  const exportButton = button('Export…', 'Export the filtered result to CSV, NDJSON or Parquet');
  toolbar.append(columnsButton, filter, apply, copyCell, copyRow, exportButton);
  const picker = div('column-picker');
  picker.hidden = true;
  const queryError = div('query-error');
  queryError.setAttribute('role', 'alert');
  queryError.hidden = true;
  const status = statusLine('Opening table…');
  root.append(toolbar, picker, queryError, status);
  let state: PreviewState | undefined;

  const showStatus = (): void => {
    if (!state) return;
    const { init, cache, sorted } = state;
    status.textContent = `${init.title} · version ${init.version} · ${init.columns.length} columns · `
      + `${cache.knownRows.toLocaleString()}${cache.done ? '' : '+'} rows${init.where ? ' matching the filter' : ''}`
      + `${sorted ? ' · sorted: loaded rows only' : ''} · first rows in ${init.firstRowsMs.toFixed(0)} ms`;
  };
  const runQuery = (): void => {
    const columns = Array.from(picker.querySelectorAll<HTMLInputElement>('input:checked'), (box) => box.value);
    queryError.hidden = true;
    status.textContent = 'Running query…';
    send({ type: 'query', columns, where: filter.value.trim() });
  };

  apply.addEventListener('click', runQuery);
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') runQuery();
  });
  columnsButton.addEventListener('click', () => {
    picker.hidden = !picker.hidden;
    columnsButton.setAttribute('aria-expanded', String(!picker.hidden));
  });
  copyCell.addEventListener('click', () => state?.grid.copyCell());
  copyRow.addEventListener('click', () => state?.grid.copyRow());
  exportButton.addEventListener('click', () => send({ type: 'export' }));

  const start = (init: PreviewInit): void => {
    state?.grid.element.remove();
    // Read before the new grid reports its first position over it.
    const saved = savedViewState(isPreviewViewState);
    const view: PreviewViewState = { generation: init.generation, topRow: 0 };
    const cache = new PageCache(init.pageSize);
    cache.store(0, init.rows, init.total);
    const grid = new VirtualGrid(init.columns, cache, {
      moved: (topRow) => {
        view.topRow = topRow;
        saveViewState(view);
      },
      request: (offset) => send({ type: 'loadRows', generation: init.generation, offset }),
      copy: (text) => send({ type: 'copy', text }),
      sort: (column, direction) => {
        if (!state) return;
        state.sorted = column !== undefined;
        if (column === undefined) delete view.sort;
        else view.sort = { column, direction };
        saveViewState(view);
        grid.setSource(column === undefined ? cache
          : new SortedRows(cache.loadedRows(), column, init.columns[column]?.numeric ?? false, direction));
        showStatus();
      },
    });
    state = { init, cache, grid, sorted: false };
    filter.value = init.where;
    fillPicker(picker, init.tableColumns, init.columns, runQuery);
    root.append(grid.element);
    grid.schedule();
    // The same generation again means this webview was reloaded: back to the saved sort and row.
    if (saved?.generation === init.generation) {
      if (saved.sort) grid.sortBy(saved.sort.column, saved.sort.direction);
      grid.scrollToRow(saved.topRow);
    }
  };

  listenToHost(isPreviewHostMessage, (message) => {
    switch (message.type) {
      case 'init':
        start(message);
        break;
      case 'rows':
        if (!state || message.generation !== state.init.generation) return;
        state.cache.store(message.offset, message.rows, message.total);
        state.grid.schedule();
        break;
      case 'queryError':
        queryError.textContent = message.message;
        queryError.hidden = false;
        if (message.position !== undefined) {
          filter.focus();
          filter.setSelectionRange(message.position, filter.value.length);
        }
        break;
      case 'error':
        root.append(errorAlert(message.message));
        if (!state) status.textContent = 'The table could not be opened.';
        break;
    }
    showStatus();
  });
}

/** One checkbox per table column; a change re-runs the query with the checked ones. */
function fillPicker(picker: HTMLElement, all: GridColumn[], shown: GridColumn[], onChange: () => void): void {
  const visible = new Set(shown.map((c) => c.name));
  picker.replaceChildren(...all.map((column) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = column.name;
    box.checked = visible.has(column.name);
    box.addEventListener('change', onChange);
    label.append(box, ` ${column.name}`);
    return label;
  }));
}
