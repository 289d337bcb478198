import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { registerConnections } from './connections/registerConnections';
import type { LakehouseApi } from './lakehouseApi';
import { LAKEHOUSE_SCHEME, VersionDocumentProvider } from './diff/versionDocuments';
import { PARQUET_EDITOR_VIEW_TYPE, ParquetEditorProvider } from './parquet/parquetEditorProvider';
import { DeltaLogWatcher } from './tables/deltaLogWatcher';
import { TableCache } from './tables/tableCache';
import { TablesTreeProvider } from './tree/tablesTreeProvider';

/**
 * Entry point (bundled to dist/extension.cjs). Activation only wires objects together: the engine
 * is loaded the first time a table is opened, so activation stays in the low milliseconds.
 */
export function activate(context: vscode.ExtensionContext): LakehouseApi {
  const started = performance.now();
  // CPU time too: on a busy machine the wall time of these milliseconds is mostly waiting for a core.
  const cpuStarted = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Lakehouse', { log: true });
  const locations = (): string[] => vscode.workspace.getConfiguration('lakehouse').get<string[]>('locations', []);
  const tree = new TablesTreeProvider(new TableCache(), locations, log);
  const watcher = new DeltaLogWatcher((location) => tree.refreshTable(location));
  const rootPaths = (): string[] => [
    ...(vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
    ...locations(),
  ];
  watcher.watch(rootPaths());

  context.subscriptions.push(
    log, tree, watcher,
    vscode.window.createTreeView('lakehouse.tables', { treeDataProvider: tree, showCollapseAll: true }),
    ...registerCommands({ extensionUri: context.extensionUri, log, tree }),
    ...registerConnections({ context, log, onDidWriteTable: (location) => tree.refreshTable(location) }),
    vscode.workspace.registerTextDocumentContentProvider(LAKEHOUSE_SCHEME, new VersionDocumentProvider()),
    vscode.window.registerCustomEditorProvider(PARQUET_EDITOR_VIEW_TYPE, new ParquetEditorProvider(context.extensionUri, log)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      watcher.watch(rootPaths());
      tree.refreshAll();
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration('lakehouse.locations') && !event.affectsConfiguration('files.exclude')) return;
      watcher.watch(rootPaths());
      tree.refreshAll();
    }),
  );
  const cpu = process.cpuUsage(cpuStarted);
  log.info(`Lakehouse activated in ${(performance.now() - started).toFixed(1)} ms (CPU ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms)`);
  return { tablesTree: tree };
}
