import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import {
  isParquetWebviewMessage, type ParquetHostMessage, type ParquetWebviewMessage,
} from '../../../webview/protocol/parquetFile';
import { PanelChannel } from '../panelChannel';
import { panelWebviewOptions } from '../panelWebview';
import { previewColumns, rowCells } from '../preview/previewColumns';
import { RowPager } from '../preview/rowPager';
import { errorMessage, showError } from '../showError';
import { parquetRowGroups, parquetSchemaLeaves } from './parquetFileView';

export const PARQUET_EDITOR_VIEW_TYPE = 'lakehouse.parquetFile';

/**
 * A read-only editor for `.parquet` files: footer facts from hyparquet (schema, row groups, column
 * statistics), and the data decoded one row group at a time, paged into a grid like the preview.
 */
export class ParquetEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = panelWebviewOptions(this.extensionUri);
    const name = basename(document.uri.fsPath);
    const pageSize = vscode.workspace.getConfiguration('lakehouse.preview').get<number>('pageSize', 200);
    let pager: RowPager | undefined;
    // The file facts (with the first page) or the failure, sent again to a reloaded webview.
    let shown: ParquetHostMessage | undefined;
    const sendPage = async (offset: number): Promise<void> => {
      if (!pager) return;
      try {
        const page = await pager.page(offset, pageSize);
        post({ type: 'rows', offset, rows: page.rows, total: page.total });
      } catch (error) {
        post({ type: 'error', message: errorMessage(error) });
      }
    };
    const channel = new PanelChannel<ParquetHostMessage, ParquetWebviewMessage>(panel.webview, {
      extensionUri: this.extensionUri, app: 'parquet', title: name, isWebviewMessage: isParquetWebviewMessage,
      onMessage: (message) => {
        if (message.type === 'copy') void vscode.env.clipboard.writeText(message.text);
        else void sendPage(message.offset);
      },
      onReady: () => { if (shown) channel.post(shown); },
    });
    const post = (message: ParquetHostMessage): void => channel.post(message);
    const show = (message: ParquetHostMessage): void => {
      shown = message;
      if (channel.hasListened) post(message);
    };
    panel.onDidDispose(() => void pager?.close());
    void (async () => {
      try {
        const [{ parquetMetadata }, { decodeParquet }, { deltaSchemaFromParquet }] = await Promise.all([
          import('hyparquet'), import('../../parquet/readParquet'), import('../../connectors/parquet/parquetToDeltaSchema'),
        ]);
        const bytes = await readFile(document.uri.fsPath);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        const metadata = parquetMetadata(buffer);
        const schema = deltaSchemaFromParquet(metadata, document.uri.fsPath);
        const groups = metadata.row_groups.length;
        pager = new RowPager(async function* rowGroups() {
          for (let group = 0; group < groups; group += 1) yield* decodeParquet(bytes, { rowGroups: [group], batchSize: pageSize }).batches;
        }, rowCells(schema));
        const first = await pager.page(0, pageSize);
        show({
          type: 'file', name, sizeBytes: bytes.byteLength, numRows: Number(metadata.num_rows), createdBy: metadata.created_by ?? 'unknown writer',
          schema: parquetSchemaLeaves(metadata), rowGroups: parquetRowGroups(metadata), columns: previewColumns(schema),
          pageSize, rows: first.rows, total: first.total,
        });
      } catch (error) {
        show({ type: 'error', message: errorMessage(error) });
        await showError(this.log, `Cannot open ${name}`, error);
      }
    })();
  }
}
