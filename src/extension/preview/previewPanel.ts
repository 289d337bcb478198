import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { Snapshot } from '../../delta/snapshot';
import {
  isPreviewWebviewMessage, type PreviewHostMessage, type PreviewInit, type PreviewWebviewMessage,
} from '../../../webview/protocol/preview';
import { errorMessage, showError } from '../showError';
import { previewColumns, rowCells } from './previewColumns';
import { RowPager } from './rowPager';
import { webviewHtml } from './webviewHtml';

export interface PreviewRequest {
  location: string;
  /** A history version to time-travel to; the latest when absent. */
  version?: number;
}

/**
 * A data preview tab: opens the table at the requested version, sends the first page as soon as
 * the webview listens, and then serves pages by offset as the grid scrolls.
 */
export class PreviewPanel {
  private pager: RowPager | undefined;
  private pageSize = 200;
  private readonly abort = new AbortController();

  static open(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, request: PreviewRequest): PreviewPanel {
    const name = basename(request.location);
    const title = request.version === undefined ? `Preview: ${name}` : `Preview: ${name} @ v${request.version}`;
    const panel = vscode.window.createWebviewPanel('lakehouse.preview', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    return new PreviewPanel(panel, extensionUri, log, request, title);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly request: PreviewRequest,
    title: string,
  ) {
    const started = performance.now();
    const ready = new Promise<void>((resolveReady) => {
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isPreviewWebviewMessage(message)) return;
        if (message.type === 'ready') resolveReady();
        else void this.handle(message);
      });
    });
    panel.onDidDispose(() => {
      this.abort.abort();
      void this.pager?.close();
    });
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'preview', title);
    void this.start(title, started, ready);
  }

  private async start(title: string, started: number, ready: Promise<void>): Promise<void> {
    try {
      const init = await this.firstPage(title, started);
      this.log.info(`Preview of ${this.request.location} v${init.version}: first ${init.rows.length} rows in ${init.firstRowsMs.toFixed(0)} ms`);
      await ready;
      this.post(init);
    } catch (error) {
      await ready;
      this.post({ type: 'error', message: errorMessage(error) });
      await showError(this.log, `Cannot preview ${this.request.location}`, error);
    }
  }

  private async firstPage(title: string, started: number): Promise<PreviewInit> {
    const { DeltaTable } = await import('../../delta/table');
    const table = await DeltaTable.open(this.request.location);
    const snapshot: Snapshot = await table.snapshot(this.request.version === undefined ? {} : { version: this.request.version });
    this.pageSize = vscode.workspace.getConfiguration('lakehouse.preview').get<number>('pageSize', 200);
    const toCells = rowCells(snapshot.schema);
    const signal = this.abort.signal;
    this.pager = new RowPager(() => snapshot.scan({ batchSize: this.pageSize, signal }).batches(), toCells);
    const first = await this.pager.page(0, this.pageSize);
    return {
      type: 'init', title, version: snapshot.version, columns: previewColumns(snapshot.schema),
      pageSize: this.pageSize, rows: first.rows, total: first.total, firstRowsMs: performance.now() - started,
    };
  }

  private async handle(message: Exclude<PreviewWebviewMessage, { type: 'ready' }>): Promise<void> {
    if (!this.pager) return;
    try {
      const page = await this.pager.page(message.offset, this.pageSize);
      this.post({ type: 'rows', offset: message.offset, rows: page.rows, total: page.total });
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.post({ type: 'error', message: errorMessage(error) });
      await showError(this.log, `Reading rows of ${this.request.location} failed`, error);
    }
  }

  private post(message: PreviewHostMessage): void {
    void this.panel.webview.postMessage(message);
  }
}
