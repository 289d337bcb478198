import * as vscode from 'vscode';

/** Adds a folder to `lakehouse.locations` (user settings), which adds it as a root of the view. */
export async function addLocation(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Add Location', title: 'Add a folder holding Delta tables',
  });
  const folder = picked?.[0];
  if (!folder) return;
  const config = vscode.workspace.getConfiguration('lakehouse');
  const locations = config.get<string[]>('locations', []);
  if (locations.includes(folder.fsPath)) return;
  await config.update('locations', [...locations, folder.fsPath], vscode.ConfigurationTarget.Global);
}
