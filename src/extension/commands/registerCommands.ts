import * as vscode from 'vscode';
import { convertToDeltaWizard } from '../convert/convertWizard';
import { openOptimizePanel } from '../optimize/optimizePanel';
import { pickOptimizeOptions } from '../optimize/pickOptimizeOptions';
import { PreviewPanel } from '../preview/previewPanel';
import { openSchemaPanel } from '../schema/schemaPanel';
import type { TablesTreeProvider } from '../tree/tablesTreeProvider';
import type { TreeNode } from '../tree/treeNode';
import { addLocation } from './addLocation';
import { compareVersions, compareWithPrevious } from './compareVersions';
import { pickTable } from './pickTable';

export interface CommandDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  tree: TablesTreeProvider;
}

/** Every `lakehouse.*` command; each is thin and hands off to the view, a panel or the engine. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { extensionUri, log, tree } = deps;
  const guarded = (what: string, run: (node?: TreeNode) => Promise<void>) => async (node?: TreeNode): Promise<void> => {
    try {
      await run(node);
    } catch (error) {
      const { showError } = await import('../showError');
      await showError(log, what, error);
    }
  };
  return [
    vscode.commands.registerCommand('lakehouse.tables.refresh', () => tree.refreshAll()),
    vscode.commands.registerCommand('lakehouse.location.add', (folder?: unknown) => addLocation(folder instanceof vscode.Uri ? folder : undefined)),
    vscode.commands.registerCommand('lakehouse.log.show', () => log.show()),
    vscode.commands.registerCommand('lakehouse.preview.open', async (node?: TreeNode) => {
      const location = node && 'location' in node ? node.location : await pickTable(tree);
      if (location) PreviewPanel.open(extensionUri, log, { location });
    }),
    vscode.commands.registerCommand('lakehouse.history.openVersion', (node?: TreeNode) => {
      if (node?.kind !== 'version') return;
      PreviewPanel.open(extensionUri, log, { location: node.location, version: node.entry.version });
    }),
    vscode.commands.registerCommand('lakehouse.schema.open', async (node?: TreeNode) => {
      const location = node && 'location' in node ? node.location : await pickTable(tree, 'Show Schema');
      if (location) openSchemaPanel(extensionUri, log, location, node?.kind === 'version' ? node.entry.version : undefined);
    }),
    vscode.commands.registerCommand('lakehouse.diff.comparePrevious', guarded('Compare with Previous Version failed', (node) => compareWithPrevious(deps, node))),
    vscode.commands.registerCommand('lakehouse.diff.compareVersions', guarded('Compare Versions failed', (node) => compareVersions(deps, node))),
    vscode.commands.registerCommand('lakehouse.table.optimize', guarded('Optimize failed', async (node) => {
      const location = node && 'location' in node ? node.location : await pickTable(tree, 'Optimize');
      const choice = location && await pickOptimizeOptions(location);
      if (location && choice) openOptimizePanel({ extensionUri, log, onDidOptimize: (table) => tree.refreshTable(table) }, location, choice);
    })),
    vscode.commands.registerCommand('lakehouse.convert.toDelta', async (uri?: vscode.Uri) => {
      try {
        await convertToDeltaWizard({ log, onDidConvert: () => tree.refreshAll() }, uri instanceof vscode.Uri ? uri : undefined);
      } catch (error) {
        const { showError } = await import('../showError');
        await showError(log, 'Convert to Delta failed', error);
      }
    }),
  ];
}
