import {
  isPreviewHostMessage, type PreviewHostMessage, type PreviewInit, type PreviewWebviewMessage,
} from '../protocol/preview';
import { hostSender } from '../vscodeApi';
import { PageCache } from './pageCache';
import { VirtualGrid } from './virtualGrid';

/** Pages held in the webview; with the default page size about 4,000 rows whatever was scrolled. */
const MAX_PAGES = 20;

/** The data preview: a status line over a virtualised grid fed page by page from the host. */
export function startPreview(root: HTMLElement): void {
  const send = hostSender<PreviewWebviewMessage>();
  const status = document.createElement('div');
  status.className = 'status';
  status.setAttribute('role', 'status');
  status.textContent = 'Opening table…';
  root.append(status);
  let state: { init: PreviewInit; cache: PageCache; grid: VirtualGrid } | undefined;

  const showStatus = (): void => {
    if (!state) return;
    const { init, cache } = state;
    status.textContent = `${init.title} · version ${init.version} · ${init.columns.length} columns · `
      + `${cache.knownRows.toLocaleString()}${cache.done ? '' : '+'} rows · first rows in ${init.firstRowsMs.toFixed(0)} ms`;
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message: unknown = event.data;
    if (!isPreviewHostMessage(message)) return;
    const handled: PreviewHostMessage = message;
    switch (handled.type) {
      case 'init': {
        const cache = new PageCache(handled.pageSize, MAX_PAGES);
        cache.store(0, handled.rows, handled.total);
        const grid = new VirtualGrid(handled.columns, cache, (offset) => send({ type: 'loadRows', offset }));
        state = { init: handled, cache, grid };
        root.append(grid.element);
        grid.schedule();
        break;
      }
      case 'rows':
        state?.cache.store(handled.offset, handled.rows, handled.total);
        state?.grid.schedule();
        break;
      case 'error': {
        const error = document.createElement('div');
        error.className = 'error';
        error.setAttribute('role', 'alert');
        error.textContent = handled.message;
        root.append(error);
        if (!state) status.textContent = 'The table could not be opened.';
        break;
      }
    }
    showStatus();
  });
  send({ type: 'ready' });
}
