import { basename } from 'node:path';
import * as vscode from 'vscode';
import { isSchemaReady, type SchemaHostMessage } from '../../../webview/protocol/schema';
import { errorMessage, showError } from '../showError';
import { webviewHtml } from '../webviewHtml';
import { schemaView } from './schemaView';

/** The schema panel of a table version: the view is computed once and sent when the webview listens. */
export function openSchemaPanel(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, location: string, version?: number): void {
  const name = basename(location);
  const title = version === undefined ? `Schema: ${name}` : `Schema: ${name} @ v${version}`;
  const panel = vscode.window.createWebviewPanel('lakehouse.schema', title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  });
  const ready = new Promise<void>((resolveReady) => {
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (isSchemaReady(message)) resolveReady();
    });
  });
  panel.webview.html = webviewHtml(panel.webview, extensionUri, 'schema', title);
  const post = (message: SchemaHostMessage): void => void panel.webview.postMessage(message);
  void (async () => {
    try {
      const { DeltaTable } = await import('../../delta/table');
      const table = await DeltaTable.open(location);
      const snapshot = await table.snapshot(version === undefined ? {} : { version });
      const view = schemaView(snapshot, name);
      await ready;
      post(view);
    } catch (error) {
      await ready;
      post({ type: 'error', message: errorMessage(error) });
      await showError(log, `Cannot read the schema of ${location}`, error);
    }
  })();
}
