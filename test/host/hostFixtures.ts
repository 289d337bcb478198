import * as vscode from 'vscode';
import type { LakehouseApi } from '../../src/extension/lakehouseApi';
import type { TableNode, TreeNode } from '../../src/extension/tree/treeNode';
import { EXTENSION_ID } from './hostEnvironment';

/** Our extension, activated, and the objects it exports for tests. */
export async function lakehouse(): Promise<LakehouseApi> {
  const extension = vscode.extensions.getExtension<LakehouseApi>(EXTENSION_ID);
  if (!extension) throw new Error(`Extension ${EXTENSION_ID} is not loaded in this extension host`);
  return extension.activate();
}

/** The demo lakehouse folder the workbench was opened on (scripts/demo-lakehouse.ts). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The host tests need the workbench opened on the demo lakehouse folder');
  return folder;
}

export function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

export function descriptionOf(item: vscode.TreeItem): string {
  return typeof item.description === 'string' ? item.description : '';
}

/** The child of `parent` whose tree item has this label; fails listing the labels there are. */
export async function childByLabel(api: LakehouseApi, parent: TreeNode | undefined, label: string): Promise<TreeNode> {
  const children = await api.tablesTree.getChildren(parent);
  const labels: string[] = [];
  for (const child of children) {
    const childLabel = labelOf(await api.tablesTree.getTreeItem(child));
    if (childLabel === label) return child;
    labels.push(childLabel);
  }
  throw new Error(`No tree item "${label}" under ${parent ? parent.id : 'the roots'}; there are: ${labels.join(', ')}`);
}

/** A demo table's node, reached as a user would: workspace root -> table. */
export async function demoTable(api: LakehouseApi, name: string): Promise<TableNode> {
  const root = await childByLabel(api, undefined, workspaceFolder().name);
  const table = await childByLabel(api, root, name);
  if (table.kind !== 'table') throw new Error(`"${name}" is a ${table.kind} node, not a table`);
  return table;
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
