import * as vscode from 'vscode';
import { PreviewPanel } from '../preview/previewPanel';
import type { TablesTreeProvider } from '../tree/tablesTreeProvider';
import type { TreeNode } from '../tree/treeNode';
import { addLocation } from './addLocation';
import { pickTable } from './pickTable';

export interface CommandDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  tree: TablesTreeProvider;
}

/** Every `lakehouse.*` command; each is thin and hands off to the view, a panel or the engine. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { extensionUri, log, tree } = deps;
  return [
    vscode.commands.registerCommand('lakehouse.tables.refresh', () => tree.refreshAll()),
    vscode.commands.registerCommand('lakehouse.location.add', () => addLocation()),
    vscode.commands.registerCommand('lakehouse.log.show', () => log.show()),
    vscode.commands.registerCommand('lakehouse.preview.open', async (node?: TreeNode) => {
      const location = node && 'location' in node ? node.location : await pickTable(tree);
      if (location) PreviewPanel.open(extensionUri, log, { location });
    }),
    vscode.commands.registerCommand('lakehouse.history.openVersion', (node?: TreeNode) => {
      if (node?.kind !== 'version') return;
      PreviewPanel.open(extensionUri, log, { location: node.location, version: node.entry.version });
    }),
  ];
}
