import { PageCache } from '../grid/pageCache';
import { div, VirtualGrid } from '../grid/virtualGrid';
import { isParquetHostMessage, type ParquetFileInfo, type ParquetWebviewMessage } from '../protocol/parquetFile';
import { hostSender } from '../vscodeApi';
import { textElement } from '../dom';

const MAX_PAGES = 20;

/** The Parquet file editor: file facts, schema, row groups with column statistics, then the data. */
export function startParquetFile(root: HTMLElement): void {
  const send = hostSender<ParquetWebviewMessage>();
  const status = div('status');
  status.setAttribute('role', 'status');
  status.textContent = 'Reading the Parquet footer…';
  root.append(status);
  let data: { cache: PageCache; grid: VirtualGrid } | undefined;
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message: unknown = event.data;
    if (!isParquetHostMessage(message)) return;
    switch (message.type) {
      case 'file': {
        status.textContent = `${message.name} · ${message.numRows.toLocaleString()} rows · ${message.rowGroups.length} row groups`
          + ` · ${message.sizeBytes.toLocaleString()} bytes · ${message.createdBy}`;
        const cache = new PageCache(message.pageSize, MAX_PAGES);
        cache.store(0, message.rows, message.total);
        const grid = new VirtualGrid(message.columns, cache, {
          request: (offset) => send({ type: 'loadRows', offset }),
          copy: (text) => send({ type: 'copy', text }),
        });
        data = { cache, grid };
        const preview = div('data-preview');
        preview.append(textElement('h2', 'Data'), grid.element);
        const details = fileDetails(message);
        const layout = div('document');
        layout.append(details, preview);
        root.append(layout);
        grid.schedule();
        break;
      }
      case 'rows':
        data?.cache.store(message.offset, message.rows, message.total);
        data?.grid.schedule();
        break;
      case 'error': {
        const error = div('error');
        error.setAttribute('role', 'alert');
        error.textContent = message.message;
        root.append(error);
        status.textContent = 'The file could not be read.';
        break;
      }
    }
  });
  send({ type: 'ready' });
}

function fileDetails(info: ParquetFileInfo): HTMLElement {
  const section = document.createElement('section');
  section.append(textElement('h2', 'Schema'), table(['Column', 'Physical type', 'Logical type', 'Repetition'],
    info.schema.map((leaf) => [leaf.path, leaf.physicalType, leaf.logicalType, leaf.repetition]), 'parquet-schema'));
  section.append(textElement('h2', 'Row groups'));
  for (const group of info.rowGroups) {
    const title = document.createElement('h3');
    title.textContent = `Row group ${group.index}: ${group.numRows.toLocaleString()} rows, ${group.totalBytes.toLocaleString()} bytes`;
    section.append(title, table(['Column', 'Codec', 'Compressed bytes', 'Min', 'Max', 'Nulls'],
      group.columns.map((c) => [c.path, c.codec, c.compressedBytes.toLocaleString(), c.min ?? '', c.max ?? '', c.nullCount === undefined ? '' : String(c.nullCount)]),
      'row-group'));
  }
  return section;
}

function table(headers: string[], rows: string[][], className: string): HTMLTableElement {
  const element = document.createElement('table');
  element.className = `details ${className}`;
  const head = element.createTHead().insertRow();
  for (const text of headers) {
    const th = document.createElement('th');
    th.textContent = text;
    head.append(th);
  }
  const body = element.createTBody();
  for (const values of rows) {
    const row = body.insertRow();
    for (const value of values) {
      const td = row.insertCell();
      td.textContent = value;
      td.className = 'mono';
    }
  }
  return element;
}
