import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { DeltaTable } from '../../src/delta/table';
import { exactText } from './harness/exactText';
import { expectText } from './harness/expectText';
import { pickQuickItem, submitQuickInput } from './harness/quickInput';
import { lakehouseActivity, openLakehouseSidebar, runContextMenuItem, screenshot, setRowExpanded, treeRow } from './harness/workbench';
import { UI_TIMEOUT } from './harness/uiTimeout';
import { workbenchForFile } from './harness/workbenchForFile';

const PEOPLE_CSV = 'id,name,city\n1,Ada,London\n2,Grace,Arlington\n3,Linus,Helsinki\n4,Barbara,Boston\n';

const workbench = workbenchForFile({
  prepare: (workspace) => {
    // A plain Parquet folder: the data files of a demo table without its log (Spark-written Parquet).
    const raw = join(workspace, 'rawparquet');
    mkdirSync(raw);
    for (const name of readdirSync(join(workspace, 'customers')).filter((f) => f.endsWith('.parquet'))) {
      cpSync(join(workspace, 'customers', name), join(raw, name));
    }
    mkdirSync(join(workspace, 'imports'));
    writeFileSync(join(workspace, 'imports', 'people.csv'), PEOPLE_CSV);
  },
});

test('Convert to Delta in place on a Parquet folder from the explorer: dry-run confirmation, then the table is in the tree', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, workspace } = session;
  const raw = join(workspace, 'rawparquet');
  const before = new Map(readdirSync(raw).map((name) => [name, statSync(join(raw, name)).ino]));
  assert.equal(before.size, 3);

  await explorerCommand(page, ['rawparquet'], 'Convert to Delta…');
  await pickQuickItem(page, 'Convert in place');
  const detail = await confirmDialog(page, 'convert-in-place-confirm');
  assert.match(detail, /^3 Parquet files, [\d.]+ (B|KiB), \d+ rows\. No data file is rewritten\./);
  assert.match(detail, /Not partitioned\./);
  assert.match(detail, /\n {2}id integer\n {2}str string/);

  const tree = await openLakehouseSidebar(page);
  await expectText(treeRow(tree, 'rawparquet').locator('.label-description'), /^v0 · /);
  await screenshot(page, 'convert-in-place-tree');
  const snapshot = await (await DeltaTable.open(raw)).snapshot();
  assert.equal(snapshot.version, 0);
  assert.deepEqual(snapshot.files().map((f) => f.path).sort(), [...before.keys()].sort());
  // In place means in place: the very same files (inodes), none rewritten.
  for (const [name, inode] of before) assert.equal(statSync(join(raw, name)).ino, inode);
});

test('Convert to Delta on a CSV file copies it into a new table next to it', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, workspace } = session;
  const target = join(workspace, 'imports', 'people_delta');

  await explorerCommand(page, ['imports', 'people.csv'], 'Convert to Delta…');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Convert people.csv to Delta' }).filter({ hasText: '(2/3)' }).waitFor();
  await expectText(() => input.inputValue(), target);
  await submitQuickInput(page);
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Convert people.csv to Delta' }).filter({ hasText: '(3/3)' }).waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'city' }).waitFor();
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
  const detail = await confirmDialog(page, 'convert-copy-confirm');
  assert.match(detail, /^1 CSV file\(s\) copied into a new table\.\nNot partitioned\.\n\nSchema \(from people\.csv\):\n {2}id \w+\n {2}name string\n {2}city string/);

  const tree = await openLakehouseSidebar(page);
  await expectText(treeRow(tree, 'imports/people_delta').locator('.label-description'), /^v0 · /);
  await screenshot(page, 'convert-copy-tree');
  const names: string[] = [];
  for await (const batch of (await (await DeltaTable.open(target)).snapshot()).scan().batches()) {
    for (const row of batch) names.push(String(row?.toJSON().name));
  }
  assert.deepEqual(names.sort(), ['Ada', 'Barbara', 'Grace', 'Linus']);
});

/** Runs a command from the Explorer's context menu on a path (folders on the way are expanded). */
async function explorerCommand(page: Page, path: readonly string[], title: string): Promise<void> {
  // Our menu items exist once the extension's contributions are read, which the activity bar item shows.
  await lakehouseActivity(page).waitFor({ timeout: UI_TIMEOUT });
  await page.keyboard.press('Control+Shift+E');
  const explorer = page.locator('.explorer-folders-view .monaco-list');
  await explorer.waitFor();
  let row: Locator | undefined;
  for (const [index, name] of path.entries()) {
    row = explorer.locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactText(name) }) }).first();
    await row.waitFor();
    if (index < path.length - 1) await setRowExpanded(row, true);
  }
  assert.ok(row, 'a path to run the command on');
  await runContextMenuItem(row, title);
}

/** Waits for the modal confirmation, screenshots it, presses Convert; returns its detail text. */
async function confirmDialog(page: Page, name: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 2 * UI_TIMEOUT });
  const detail = await dialog.locator('.dialog-message-detail').innerText();
  await screenshot(page, name);
  await dialog.locator('.monaco-button', { hasText: /^Convert$/ }).click();
  return detail;
}
