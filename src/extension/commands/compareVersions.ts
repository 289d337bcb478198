import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RowDiffPanel } from '../diff/rowDiffPanel';
import { versionDocumentUri } from '../diff/versionDocuments';
import type { TablesTreeProvider } from '../tree/tablesTreeProvider';
import type { TreeNode } from '../tree/treeNode';
import { pickTable } from './pickTable';
import { quickPickStep, type StepItem } from './quickPickStep';

interface CompareDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  tree: TablesTreeProvider;
}

const WHOLE_ROW = '';

/** "Compare with Previous Version": a history entry (or the table's latest version) against the one before. */
export async function compareWithPrevious(deps: CompareDeps, node?: TreeNode): Promise<void> {
  const location = await tableOf(deps, node, 'Compare with Previous Version');
  if (!location) return;
  const { DeltaTable } = await import('../../delta/table');
  const to = node?.kind === 'version' ? node.entry.version : await (await DeltaTable.open(location)).latestVersion();
  if (to === 0) {
    void vscode.window.showInformationMessage(`${basename(location)} has only version 0: there is no previous version to compare with.`);
    return;
  }
  const key = await pickKey(location, to - 1, to, 'Compare with Previous Version', 1, 1);
  if (key !== undefined) await openDiff(deps, location, to - 1, to, key);
}

/** "Compare Versions…": table (when run from the palette), older version, newer version, key. */
export async function compareVersions(deps: CompareDeps, node?: TreeNode): Promise<void> {
  const title = 'Compare Versions';
  const location = await tableOf(deps, node, title);
  if (!location) return;
  const { DeltaTable } = await import('../../delta/table');
  const history = await (await DeltaTable.open(location)).history({ limit: 1000 });
  const items = (versions: typeof history): StepItem<number>[] => versions.map((entry) => ({
    label: `v${entry.version}`, description: entry.operation ?? 'commit', detail: new Date(entry.timestamp).toLocaleString(), value: entry.version,
  }));
  const preset = node?.kind === 'version' ? node.entry.version : undefined;
  const from = preset ?? await quickPickStep(title, 1, 3, 'Older version', items(history.slice(1)));
  if (from === undefined) return;
  const to = await quickPickStep(title, 2, 3, `Newer version (compared with v${from})`, items(history.filter((e) => e.version > from)));
  if (to === undefined) return;
  const key = await pickKey(location, from, to, title, 3, 3);
  if (key !== undefined) await openDiff(deps, location, from, to, key);
}

async function tableOf(deps: CompareDeps, node: TreeNode | undefined, title: string): Promise<string | undefined> {
  return node && 'location' in node ? node.location : pickTable(deps.tree, title);
}

/** The key columns ([] for whole rows), or undefined when the user escapes. */
async function pickKey(location: string, from: number, to: number, title: string, step: number, totalSteps: number): Promise<string[] | undefined> {
  const { DeltaTable } = await import('../../delta/table');
  const table = await DeltaTable.open(location);
  const [older, newer] = await Promise.all([table.snapshot({ version: from }), table.snapshot({ version: to })]);
  const olderNames = new Set(older.schema.fields.map((f) => f.name));
  const common = newer.schema.fields.filter((f) => olderNames.has(f.name) && (f.type.kind === 'primitive' || f.type.kind === 'decimal'));
  const picked = await quickPickStep(title, step, totalSteps, 'Key column identifying a row (changed rows need one)', [
    ...common.map((field) => ({ label: field.name, description: field.nullable ? 'nullable' : 'not null', value: field.name })),
    { label: '(whole rows)', description: 'no key: a changed row counts as removed + added', value: WHOLE_ROW },
  ]);
  if (picked === undefined) return undefined;
  return picked === WHOLE_ROW ? [] : [picked];
}

async function openDiff(deps: CompareDeps, location: string, from: number, to: number, key: string[]): Promise<void> {
  const name = basename(location);
  await vscode.commands.executeCommand('vscode.diff', versionDocumentUri(location, from), versionDocumentUri(location, to),
    `${name}: schema & metadata v${from} ↔ v${to}`, { preview: false });
  RowDiffPanel.open(deps.extensionUri, deps.log, { location, fromVersion: from, toVersion: to, key });
}
