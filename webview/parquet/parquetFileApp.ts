import { div, textElement } from '../dom';
import { PageCache } from '../grid/pageCache';
import { VirtualGrid } from '../grid/virtualGrid';
import { isParquetHostMessage, type ParquetFileInfo, type ParquetWebviewMessage } from '../protocol/parquetFile';
import { hostSender, listenToHost, savedViewState, saveViewState } from '../vscodeApi';
import { detailsTable, textCell } from '../widgets/detailsTable';
import { errorAlert, statusLine } from '../widgets/liveRegion';

/** The data grid's top row, kept across reloads of the webview (its tab back from the background). */
interface ParquetViewState { topRow: number }

function isParquetViewState(value: unknown): value is ParquetViewState {
  return typeof value === 'object' && value !== null && 'topRow' in value && Number.isInteger(value.topRow);
}

/** The Parquet file editor: file facts, schema, row groups with column statistics, then the data. */
export function startParquetFile(root: HTMLElement): void {
  const send = hostSender<ParquetWebviewMessage>();
  const status = statusLine('Reading the Parquet footer…');
  root.append(status);
  let data: { cache: PageCache; grid: VirtualGrid } | undefined;
  listenToHost(isParquetHostMessage, (message) => {
    switch (message.type) {
      case 'file': {
        const saved = savedViewState(isParquetViewState);
        status.textContent = `${message.name} · ${message.numRows.toLocaleString()} rows · ${message.rowGroups.length} row groups`
          + ` · ${message.sizeBytes.toLocaleString()} bytes · ${message.createdBy}`;
        const cache = new PageCache(message.pageSize);
        cache.store(0, message.rows, message.total);
        const grid = new VirtualGrid(message.columns, cache, {
          request: (offset) => send({ type: 'loadRows', offset }),
          copy: (text) => send({ type: 'copy', text }),
          moved: (topRow) => saveViewState({ topRow } satisfies ParquetViewState),
        });
        data = { cache, grid };
        const preview = div('data-preview');
        preview.append(textElement('h2', 'Data'), grid.element);
        const details = fileDetails(message);
        const layout = div('document');
        layout.append(details, preview);
        root.append(layout);
        grid.schedule();
        if (saved) grid.scrollToRow(saved.topRow);
        break;
      }
      case 'rows':
        data?.cache.store(message.offset, message.rows, message.total);
        data?.grid.schedule();
        break;
      case 'error':
        root.append(errorAlert(message.message));
        status.textContent = 'The file could not be read.';
        break;
    }
  });
}

function fileDetails(info: ParquetFileInfo): HTMLElement {
  const section = document.createElement('section');
  section.append(textElement('h2', 'Schema'), table(['Column', 'Physical type', 'Logical type', 'Repetition'],
    info.schema.map((leaf) => [leaf.path, leaf.physicalType, leaf.logicalType, leaf.repetition]), 'parquet-schema'));
  section.append(textElement('h2', 'Row groups'));
  for (const group of info.rowGroups) {
    const title = textElement('h3', `Row group ${group.index}: ${group.numRows.toLocaleString()} rows, ${group.totalBytes.toLocaleString()} bytes`);
    section.append(title, table(['Column', 'Codec', 'Compressed bytes', 'Min', 'Max', 'Nulls'],
      group.columns.map((c) => [c.path, c.codec, c.compressedBytes.toLocaleString(), c.min ?? '', c.max ?? '', c.nullCount === undefined ? '' : String(c.nullCount)]),
      'row-group'));
  }
  return section;
}

function table(headers: string[], rows: string[][], className: string): HTMLTableElement {
  const element = detailsTable(className, headers);
  const body = element.createTBody();
  for (const values of rows) {
    const row = body.insertRow();
    for (const value of values) textCell(row, value, 'mono');
  }
  return element;
}
