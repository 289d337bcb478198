import * as vscode from 'vscode';

/**
 * Adds a folder to `lakehouse.locations`, which adds it as a root of the view. The folder comes
 * from the command's argument (a script or `executeCommand`) or else from a folder dialog.
 * `lakehouse.locations` is machine-overridable, which VS Code ignores in a remote window's user
 * settings (code-server, SSH): with a folder open the workspace settings hold it, as they apply
 * everywhere; without one, the user settings.
 */
export async function addLocation(folder?: vscode.Uri): Promise<void> {
  const chosen = folder ?? (await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false,
    openLabel: 'Add Location', title: 'Add a folder holding Delta tables',
  }))?.[0];
  if (!chosen) return;
  const config = vscode.workspace.getConfiguration('lakehouse');
  const locations = config.get<string[]>('locations', []);
  if (locations.includes(chosen.fsPath)) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('locations', [...locations, chosen.fsPath], target);
}
