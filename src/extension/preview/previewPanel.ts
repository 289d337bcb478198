import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Snapshot } from '../../delta/snapshot';
import {
  isPreviewWebviewMessage, type PreviewFailure, type PreviewHostMessage, type PreviewInit, type PreviewWebviewMessage,
} from '../../../webview/protocol/preview';
import { PanelChannel } from '../panelChannel';
import { createPanel } from '../panelWebview';
import { errorMessage, showError } from '../showError';
import { exportResult } from './exportResult';
import { previewColumns, rowCells } from './previewColumns';
import { RangePager } from './rangePager';
import { RowPager, type RowPages } from './rowPager';

export interface PreviewRequest {
  location: string;
  /** A history version to time-travel to; the latest when absent. */
  version?: number;
}

interface Query { columns: string[]; where: string }

/**
 * Rows sent first when the pager can seek: a screenful (100 rows fill a 4K-high panel) is ready
 * long before a page of thousands is formatted, and the full first page follows at once.
 */
const FIRST_SCREEN_ROWS = 100;

/**
 * A data preview tab: opens the table at the requested version, sends the first page as soon as
 * the webview listens, and then serves pages by offset as the grid scrolls. A new query (columns,
 * filter) replaces the pager and starts a new generation of rows.
 */
export class PreviewPanel {
  private pager: RowPages | undefined;
  private snapshot: Snapshot | undefined;
  private pageSize = 200;
  private generation = 0;
  private query: Query = { columns: [], where: '' };
  /** The query result the webview shows (its first rows as first sent), or the failure it shows. */
  private shown: PreviewInit | PreviewFailure | undefined;
  /** The current generation's row count, once a page has reached the end of its scan. */
  private total: number | undefined;
  private readonly abort = new AbortController();
  private readonly channel: PanelChannel<PreviewHostMessage, PreviewWebviewMessage>;
  private readonly title: string;

  static open(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, request: PreviewRequest): PreviewPanel {
    return new PreviewPanel(extensionUri, log, request);
  }

  private constructor(extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel, private readonly request: PreviewRequest) {
    const name = basename(request.location);
    const title = request.version === undefined ? `Preview: ${name}` : `Preview: ${name} @ v${request.version}`;
    this.title = title;
    const panel = createPanel(extensionUri, 'lakehouse.preview', title);
    const started = performance.now();
    this.channel = new PanelChannel(panel.webview, {
      extensionUri, app: 'preview', title, isWebviewMessage: isPreviewWebviewMessage,
      onMessage: (message) => void this.handle(message),
      onReady: () => void this.redraw(),
    });
    panel.onDidDispose(() => {
      this.abort.abort();
      void this.pager?.close();
    });
    void this.start(started, this.channel.ready);
  }

  private async start(started: number, ready: Promise<void>): Promise<void> {
    // The extension host's CPU time alongside the wall time: on a busy machine the wall time is mostly waiting.
    const cpuStarted = process.cpuUsage();
    try {
      const { DeltaTable } = await import('../../delta/table');
      const table = await DeltaTable.open(this.request.location);
      this.snapshot = await table.snapshot(this.request.version === undefined ? {} : { version: this.request.version });
      const openedMs = performance.now() - started;
      this.pageSize = vscode.workspace.getConfiguration('lakehouse.preview').get<number>('pageSize', 200);
      const init = await this.firstPage(this.snapshot, started);
      const cpu = process.cpuUsage(cpuStarted);
      this.log.info(`Preview of ${this.request.location} v${init.version}: first ${init.rows.length} rows in ${init.firstRowsMs.toFixed(0)} ms`
        + ` (CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; table opened in ${openedMs.toFixed(0)} ms)`);
      await ready;
      this.show(init);
      await this.completeFirstPage(init, started);
    } catch (error) {
      await ready;
      this.show({ type: 'error', message: errorMessage(error) });
      await showError(this.log, `Cannot preview ${this.request.location}`, error);
    }
  }

  /** Opens a scan for the current query and reads its first page (parsing the filter may throw). */
  private async firstPage(snapshot: Snapshot, started: number): Promise<PreviewInit> {
    const { columns, where } = this.query;
    const options = {
      batchSize: this.pageSize, signal: this.abort.signal,
      ...(columns.length > 0 ? { columns } : {}), ...(where ? { where } : {}),
    };
    const scan = snapshot.scan(options);
    const schema = scan.schema;
    await this.pager?.close();
    this.generation += 1;
    this.total = undefined;
    // Without a filter the log's record counts let pages be read by seeking; a filter needs the scan.
    const { RowRangeReader } = await import('./rowRangeReader');
    const seekable = RowRangeReader.forScan(snapshot, scan);
    this.pager = seekable
      ? new RangePager(seekable, rowCells(schema), this.pageSize)
      : new RowPager(() => snapshot.scan(options).batches(), rowCells(schema));
    const first = await this.pager.page(0, seekable ? Math.min(FIRST_SCREEN_ROWS, this.pageSize) : this.pageSize);
    return {
      type: 'init', generation: this.generation, title: this.title, version: snapshot.version,
      tableColumns: previewColumns(snapshot.schema), columns: previewColumns(schema), where,
      pageSize: this.pageSize, rows: first.rows, total: first.total, firstRowsMs: performance.now() - started,
    };
  }

  /** Sends the rest of the first page when only a screenful came with `init`. */
  private async completeFirstPage(init: PreviewInit, started: number): Promise<void> {
    const more = init.total === undefined || init.total > init.rows.length;
    if (init.rows.length >= this.pageSize || !more) return;
    await this.loadRows(init.generation, 0);
    this.log.info(`Preview of ${this.request.location} v${init.version}: first page of ${this.pageSize} rows in ${(performance.now() - started).toFixed(0)} ms`);
  }

  private async handle(message: Exclude<PreviewWebviewMessage, { type: 'ready' }>): Promise<void> {
    switch (message.type) {
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        vscode.window.setStatusBarMessage('Copied to the clipboard', 2000);
        return;
      case 'export':
        if (this.snapshot) await exportResult(this.log, this.snapshot, this.scanQuery(), basename(this.request.location));
        return;
      case 'query':
        return this.runQuery({ columns: message.columns, where: message.where });
      case 'loadRows':
        return this.loadRows(message.generation, message.offset);
    }
  }

  private async runQuery(query: Query): Promise<void> {
    if (!this.snapshot) return;
    const previous = this.query;
    this.query = query;
    try {
      const started = performance.now();
      const init = await this.firstPage(this.snapshot, started);
      this.show(init);
      await this.completeFirstPage(init, started);
    } catch (error) {
      this.query = previous;
      const { InvalidPredicateError } = await import('../../delta/predicate/invalidPredicateError');
      this.post({
        type: 'queryError', message: errorMessage(error),
        ...(error instanceof InvalidPredicateError ? { position: error.position } : {}),
      });
    }
  }

  private async loadRows(generation: number, offset: number): Promise<void> {
    const pager = this.pager;
    if (!pager || generation !== this.generation) return;
    try {
      const page = await pager.page(offset, this.pageSize);
      if (page.total !== undefined && generation === this.generation) this.total = page.total;
      this.post({ type: 'rows', generation, offset, rows: page.rows, total: page.total });
    } catch (error) {
      if (this.abort.signal.aborted || generation !== this.generation) return;
      this.post({ type: 'error', message: errorMessage(error) });
      await showError(this.log, `Reading rows of ${this.request.location} failed`, error);
    }
  }

  private show(message: PreviewInit | PreviewFailure): void {
    this.shown = message;
    this.post(message);
  }

  /**
   * A reloaded webview (its tab back from the background) starts blank: send it the current query
   * with a full first page and the row count as far as it is known. It restores its own scroll
   * position and sort (saved in its view state) and asks for the rows there.
   */
  private async redraw(): Promise<void> {
    const shown = this.shown;
    const pager = this.pager;
    if (shown?.type !== 'init' || !pager) {
      if (shown) this.post(shown);
      return;
    }
    try {
      const first = await pager.page(0, this.pageSize);
      // A newer query was applied meanwhile: its own init is on the way.
      if (shown !== this.shown) return;
      const total = first.total ?? this.total;
      this.post({ ...shown, rows: first.rows, ...(total === undefined ? {} : { total }) });
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.show({ type: 'error', message: errorMessage(error) });
    }
  }

  private scanQuery(): { columns?: string[]; where?: string } {
    return {
      ...(this.query.columns.length > 0 ? { columns: this.query.columns } : {}),
      ...(this.query.where ? { where: this.query.where } : {}),
    };
  }

  private post(message: PreviewHostMessage): void {
    this.channel.post(message);
  }
}
