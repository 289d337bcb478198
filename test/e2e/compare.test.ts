import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectText } from './harness/expectText';
import { gridRows, waitForDrawnRow } from './harness/previewGrid';
import { pickQuickItem } from './harness/quickInput';
import { activeWebview, openLakehouseSidebar, runCommand, screenshot } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';

const workbench = workbenchForFile();

test('Compare Versions by key counts the rows the UPDATE changed and diffs the metadata', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await openLakehouseSidebar(page);
  await runCommand(page, 'Lakehouse: Compare Versions…');
  await pickQuickItem(page, 'customers');
  await pickQuickItem(page, 'v0');
  await pickQuickItem(page, 'v1');
  await pickQuickItem(page, 'id');

  // customers v1 = v0 after UPDATE ... SET str = 'N/A' WHERE id < 50: 50 changed, none added or removed.
  await page.locator('.tab', { hasText: 'customers: schema & metadata v0 ↔ v1' }).waitFor();
  await page.locator('.tab', { hasText: 'Diff: customers v0 ↔ v1' }).waitFor();
  const frame = activeWebview(page);
  await expectText(frame.locator('.status'), /version 0 → 1 · by key \(id\) · 50 unchanged/);
  await expectText(() => frame.locator('.counts button').allInnerTexts().then((counts) => counts.join(' | ')),
    'Added: 0 | Removed: 0 | Changed: 50');
  // The counts come first; the grid draws the changed rows (the first kind with rows) a frame later.
  await waitForDrawnRow(frame, () => true);
  const rows = await gridRows(frame);
  assert.ok(rows.length > 0);
  for (const [id, str] of rows) {
    assert.ok(Number(id) < 50, `changed row id ${id}`);
    assert.equal(str, `val=${id} → N/A`);
  }
  await screenshot(page, 'compare-versions-rows');

  // Whole-row comparison of the same versions: each changed row is one removed plus one added.
  await runCommand(page, 'Lakehouse: Compare Versions…');
  await pickQuickItem(page, 'customers');
  await pickQuickItem(page, 'v0');
  await pickQuickItem(page, 'v1');
  await pickQuickItem(page, '(whole rows)');
  const wholeRow = activeWebview(page);
  await wholeRow.locator('.status', { hasText: 'by whole row' }).waitFor();
  await expectText(() => wholeRow.locator('.counts button').allInnerTexts().then((counts) => counts.join(' | ')),
    'Added: 50 | Removed: 50 | Changed: 0');
  await screenshot(page, 'compare-versions-whole-rows');
});

test('the schema and metadata diff opens as a text diff of lakehouse: documents', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await page.locator('.tab', { hasText: 'customers: schema & metadata v0 ↔ v1' }).first().click();
  const editor = page.locator('.monaco-diff-editor').first();
  await editor.waitFor();
  await editor.locator('.view-line', { hasText: '# Version 1' }).first().waitFor();
  await editor.locator('.view-line', { hasText: 'id: integer' }).first().waitFor();
  await screenshot(page, 'compare-versions-metadata');
});
