import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/extension/tree/treeNode';
import { eventually, type HostTest } from './hostTest';
import {
  childByLabel, closeAllEditors, demoTable, descriptionOf, labelOf, lakehouse, workspaceFolder,
} from './hostFixtures';

/** The `lakehouse.*` commands, run through `executeCommand` with tree nodes as the menus pass them. */
export const commandTests: HostTest[] = [
  {
    name: 'command: Refresh Tables refreshes the whole view',
    run: async () => {
      const api = await lakehouse();
      const fired: (TreeNode | undefined | null | void)[] = [];
      const listener = api.tablesTree.onDidChangeTreeData((node) => fired.push(node));
      try {
        await vscode.commands.executeCommand('lakehouse.tables.refresh');
        // The whole view is `undefined`; a table's own change (its log watcher) may come too, at any time.
        await eventually('a change event for the whole tree', () => (fired.includes(undefined) ? true : undefined));
        const sales = await api.tablesTree.getTreeItem(await demoTable(api, 'sales'));
        assert.match(descriptionOf(sales), /^v15 · /);
      } finally {
        listener.dispose();
      }
    },
  },
  {
    name: 'command: Add Location with a folder adds it to lakehouse.locations and as a root with its table',
    run: async () => {
      const api = await lakehouse();
      const folder = mkdtempSync(join(tmpdir(), 'lakehouse-host-location-'));
      cpSync(join(workspaceFolder().uri.fsPath, 'customers'), join(folder, 'orders'), { recursive: true });
      const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('lakehouse');
      try {
        await vscode.commands.executeCommand('lakehouse.location.add', vscode.Uri.file(folder));
        assert.deepEqual(config().get<string[]>('locations'), [folder]);
        const root = await eventually('the new root in the tree', async () => {
          const roots = await api.tablesTree.getChildren();
          return roots.find((node) => node.kind === 'root' && node.path === folder);
        });
        assert.equal(labelOf(await api.tablesTree.getTreeItem(root)), basename(folder));
        const orders = await childByLabel(api, root, 'orders');
        assert.match(descriptionOf(await api.tablesTree.getTreeItem(orders)), /^v1 · /);
        // Adding the same folder again changes nothing.
        await vscode.commands.executeCommand('lakehouse.location.add', vscode.Uri.file(folder));
        assert.deepEqual(config().get<string[]>('locations'), [folder]);
      } finally {
        await config().update('locations', undefined, vscode.ConfigurationTarget.Workspace);
        rmSync(folder, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'command: Preview Data on a table opens its preview tab',
    run: async () => {
      const api = await lakehouse();
      await closeAllEditors();
      await vscode.commands.executeCommand('lakehouse.preview.open', await demoTable(api, 'sales'));
      const tab = await eventually('the preview tab', () => findTab('Preview: sales'));
      assert.ok(tab.input instanceof vscode.TabInputWebview);
      assert.match(tab.input.viewType, /lakehouse\.preview$/);
    },
  },
  {
    name: 'command: a History entry opens the preview at that version',
    run: async () => {
      const api = await lakehouse();
      await closeAllEditors();
      const history = await childByLabel(api, await demoTable(api, 'sales'), 'History');
      const v3 = await childByLabel(api, history, 'v3 DELETE');
      const item = await api.tablesTree.getTreeItem(v3);
      const command = item.command;
      assert.ok(command);
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      await eventually('the time-travel preview tab', () => findTab('Preview: sales @ v3'));
    },
  },
  {
    name: 'command: Show Schema opens the schema panel of the table',
    run: async () => {
      const api = await lakehouse();
      await closeAllEditors();
      await vscode.commands.executeCommand('lakehouse.schema.open', await demoTable(api, 'events'));
      const tab = await eventually('the schema tab', () => findTab('Schema: events'));
      assert.ok(tab.input instanceof vscode.TabInputWebview);
      assert.match(tab.input.viewType, /lakehouse\.schema$/);
    },
  },
  {
    name: 'command: Compare with Previous Version on a history entry opens the schema diff and the row diff',
    run: async () => {
      const api = await lakehouse();
      await closeAllEditors();
      const history = await childByLabel(api, await demoTable(api, 'sales'), 'History');
      const [latest] = await api.tablesTree.getChildren(history);
      assert.equal(latest?.kind, 'version');
      const compared = vscode.commands.executeCommand('lakehouse.diff.comparePrevious', latest);
      // The command asks for a key column in a quick pick: accept its first item (part) as a user would.
      let done = false;
      void compared.then(() => { done = true; }, () => { done = true; });
      await eventually('the key quick pick to be answered', async () => {
        if (done) return true;
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return undefined;
      }, 60_000);
      await compared;
      const rowDiff = await eventually('the row diff tab', () => findTab('Diff: sales v14 ↔ v15'));
      assert.ok(rowDiff.input instanceof vscode.TabInputWebview);
      const textDiff = await eventually('the schema diff tab', () => findTab('sales: schema & metadata v14 ↔ v15'));
      assert.ok(textDiff.input instanceof vscode.TabInputTextDiff);
      const [older, newer] = await Promise.all([textDiff.input.original, textDiff.input.modified].map((uri) => vscode.workspace.openTextDocument(uri)));
      assert.equal(older?.uri.scheme, 'lakehouse');
      assert.match(older?.getText() ?? '', /^# Version 14\n\n## Schema\n\npart: integer\ncol1: integer\ncol2: string\n/);
      assert.match(newer?.getText() ?? '', /^# Version 15\n/);
      assert.match(newer?.getText() ?? '', /partition columns: part\n/);
    },
  },
];

function findTab(label: string): vscode.Tab | undefined {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.label === label);
}
