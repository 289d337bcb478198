import * as vscode from 'vscode';
import type { TablesTreeProvider } from '../tree/tablesTreeProvider';

/** A quick pick of the tables the view knows, for commands run from the palette. */
export async function pickTable(tree: TablesTreeProvider, title = 'Preview Data'): Promise<string | undefined> {
  const items = (await tree.allTables()).map((table) => ({ label: table.label, description: table.location }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No Delta tables found in the workspace or in lakehouse.locations.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Table' });
  return picked?.description;
}
