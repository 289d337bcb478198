import { dirname } from 'node:path';
import * as vscode from 'vscode';

/** Several files change per commit (commit JSON, checkpoint, _last_checkpoint): one refresh for all. */
const SETTLE_MS = 250;

/**
 * Watches the `_delta_log` folders below the given roots and reports a table folder once its log
 * stops changing, so the tree shows commits made by other processes.
 */
export class DeltaLogWatcher implements vscode.Disposable {
  private watchers: vscode.FileSystemWatcher[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly onDidChangeTable: (location: string) => void) {}

  watch(roots: readonly string[]): void {
    this.disposeWatchers();
    this.watchers = roots.map((root) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/_delta_log/*'));
      const changed = (uri: vscode.Uri): void => this.changed(dirname(dirname(uri.fsPath)));
      watcher.onDidCreate(changed);
      watcher.onDidChange(changed);
      watcher.onDidDelete(changed);
      return watcher;
    });
  }

  dispose(): void {
    this.disposeWatchers();
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private changed(location: string): void {
    clearTimeout(this.pending.get(location));
    this.pending.set(location, setTimeout(() => {
      this.pending.delete(location);
      this.onDidChangeTable(location);
    }, SETTLE_MS));
  }

  private disposeWatchers(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
  }
}
