import * as vscode from 'vscode';
import type { ScanOptions } from '../../delta/scan/scan';
import type { Snapshot } from '../../delta/snapshot';
import { showError } from '../showError';

const FORMATS = [
  { label: 'CSV', format: 'csv', extension: 'csv', detail: 'RFC 4180 with a header row; NULL is an empty field' },
  { label: 'NDJSON', format: 'ndjson', extension: 'ndjson', detail: 'one JSON object per line, exact numbers' },
  { label: 'Parquet', format: 'parquet', extension: 'parquet', detail: 'ZSTD-compressed, with column statistics' },
] as const;

/**
 * Export of a preview's whole result (not only the loaded rows): format pick, save dialog, then
 * the scan streamed to the file under a cancellable progress notification.
 */
export async function exportResult(log: vscode.LogOutputChannel, snapshot: Snapshot, query: Pick<ScanOptions, 'columns' | 'where'>, name: string): Promise<void> {
  const picked = await vscode.window.showQuickPick(FORMATS.map((f) => ({ ...f })), { title: 'Export Result', placeHolder: 'File format' });
  if (!picked) return;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(snapshot.tableRoot);
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(base, `${name}-v${snapshot.version}.${picked.extension}`),
    filters: { [picked.label]: [picked.extension] },
    title: 'Export Result',
  });
  if (!target) return;
  const { exportRows } = await import('../../ops/export/exportRows');
  const abort = new AbortController();
  try {
    const rows = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification, title: `Exporting ${name} to ${picked.label}`, cancellable: true,
    }, (progress, token) => {
      token.onCancellationRequested(() => abort.abort());
      const scan = snapshot.scan({ ...query, signal: abort.signal });
      return exportRows(scan.batches(), scan.schema, picked.format, target.fsPath, {
        signal: abort.signal,
        onRows: (done) => progress.report({ message: `${done.toLocaleString()} rows` }),
      });
    });
    log.info(`Exported ${rows} rows of ${snapshot.tableRoot} v${snapshot.version} to ${target.fsPath}`);
    void vscode.window.showInformationMessage(`Exported ${rows.toLocaleString()} rows to ${target.fsPath}.`);
  } catch (error) {
    if (abort.signal.aborted) log.info(`Export to ${target.fsPath} cancelled`);
    else await showError(log, `Export of ${name} failed`, error);
  }
}
