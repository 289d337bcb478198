import { basename } from 'node:path';
import * as vscode from 'vscode';

export const LAKEHOUSE_SCHEME = 'lakehouse';

/** A read-only document with one version's schema and metadata, for `vscode.diff`. */
export function versionDocumentUri(location: string, version: number): vscode.Uri {
  return vscode.Uri.from({
    scheme: LAKEHOUSE_SCHEME,
    path: `/${basename(location)}@v${version}.md`,
    query: new URLSearchParams({ location, version: String(version) }).toString(),
  });
}

/**
 * Serves `lakehouse:` documents: the text of `versionText` for the table and version in the query.
 * Versions never change once committed, so VS Code may cache the documents as it likes.
 */
export class VersionDocumentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const location = query.get('location');
    const version = Number(query.get('version'));
    if (!location || !Number.isInteger(version)) throw new Error(`Not a Lakehouse version document: ${uri.toString()}`);
    const [{ DeltaTable }, { versionText }] = await Promise.all([import('../../delta/table'), import('../../ops/diff/versionText')]);
    const table = await DeltaTable.open(location);
    return versionText(await table.snapshot({ version }));
  }
}
