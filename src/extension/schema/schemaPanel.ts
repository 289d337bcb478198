import { basename } from 'node:path';
import * as vscode from 'vscode';
import { isSchemaReady, type SchemaHostMessage, type SchemaReady } from '../../../webview/protocol/schema';
import { PanelChannel } from '../panelChannel';
import { createPanel } from '../panelWebview';
import { errorMessage, showError } from '../showError';
import { schemaView } from './schemaView';

/**
 * The schema panel of a table version: the view is computed once and sent when the webview
 * listens, and again each time the webview reloads (its tab back from the background).
 */
export function openSchemaPanel(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, location: string, version?: number): void {
  const name = basename(location);
  const title = version === undefined ? `Schema: ${name}` : `Schema: ${name} @ v${version}`;
  const panel = createPanel(extensionUri, 'lakehouse.schema', title);
  let shown: SchemaHostMessage | undefined;
  const channel = new PanelChannel<SchemaHostMessage, SchemaReady>(panel.webview, {
    extensionUri, app: 'schema', title, isWebviewMessage: isSchemaReady,
    onReady: () => { if (shown) channel.post(shown); },
  });
  const show = (message: SchemaHostMessage): void => {
    shown = message;
    if (channel.hasListened) channel.post(message);
  };
  void (async () => {
    try {
      const { DeltaTable } = await import('../../delta/table');
      const table = await DeltaTable.open(location);
      const snapshot = await table.snapshot(version === undefined ? {} : { version });
      show(schemaView(snapshot, name));
    } catch (error) {
      show({ type: 'error', message: errorMessage(error) });
      await showError(log, `Cannot read the schema of ${location}`, error);
    }
  })();
}
