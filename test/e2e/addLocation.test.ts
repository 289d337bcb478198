import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { expectText } from './harness/expectText';
import { openLakehouseSidebar, runCommand, screenshot, treeRow } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';
import { acceptFolderDialog } from './harness/quickInput';

const workbench = workbenchForFile();
/** A lakehouse outside the workspace: one table, a copy of the demo's customers named orders. */
const extra = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-extra-'));
after(() => rmSync(extra, { recursive: true, force: true }));

test('Add Location: a folder typed into the folder dialog becomes a root showing its table', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, tables, workspace } = session;
  cpSync(tables.customers, join(extra, 'orders'), { recursive: true });
  const tree = await openLakehouseSidebar(page);
  await treeRow(tree, 'sales').waitFor();

  await runCommand(page, 'Lakehouse: Add Location…');
  // code-server's folder dialog is a quick input holding a path: replace it with ours and accept.
  await page.locator('.quick-input-widget', { hasText: 'Add a folder holding Delta tables' }).waitFor();
  await screenshot(page, 'add-location-dialog');
  await acceptFolderDialog(page, extra);
  // VS Code writes the workspace settings file in its own time: read it until it holds the location
  // (checked before the tree, so a failure names the folder the dialog really accepted).
  const settings = async (): Promise<string> => JSON.stringify(JSON.parse(readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8')));
  await expectText(settings, JSON.stringify({ 'lakehouse.locations': [extra] }));

  await treeRow(tree, basename(extra)).waitFor();
  await expectText(treeRow(tree, 'orders').locator('.label-description'), /^v1 · /);
  await screenshot(page, 'add-location-tree');
});
