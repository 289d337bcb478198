import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { writeSmallFiles } from '../unit/optimize/optimizeTables';
import { expectText } from './harness/expectText';
import { scrollGridToEnd, scrollGridToRow, waitForDrawnRow, type DrawnRow } from './harness/previewGrid';
import { pickQuickItem, submitQuickInput } from './harness/quickInput';
import { activeWebview, openLakehouseSidebar, previewTable, quickOpenFile, runCommand, runContextMenuItem, screenshot, treeRow } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';
import { UI_TIMEOUT } from './harness/uiTimeout';

/**
 * Issue 5: a panel's webview is destroyed when its tab goes to the background (no
 * retainContextWhenHidden) and reloaded when it comes back. Each test draws a panel, covers it
 * with another editor, proves the webview document was really replaced, and checks that the panel
 * shows what it showed before.
 */
const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-restore-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const SMALL_FILES = 'smallfiles';
const PAGE_SIZE = 10;

const workbench = workbenchForFile(async () => {
  const built = join(scratch, SMALL_FILES);
  await writeSmallFiles(built, 8, 100);
  return {
    // Ten rows a page: the rows shown after scrolling come from pages other than the first.
    settings: { 'lakehouse.preview.pageSize': PAGE_SIZE },
    prepare: (workspace) => cpSync(built, join(workspace, SMALL_FILES), { recursive: true }),
  };
});

/** customers v1 is v0 after `UPDATE ... SET str = 'N/A' WHERE id < 50`. */
function expectedCustomer(id: number): string {
  return id < 50 ? 'N/A' : `val=${id}`;
}

const MARK = 'data-e2e-before-hide';

/**
 * Opens an untitled editor over the panel and clicks the panel's tab again. The mark set on the
 * webview's body first must be gone afterwards: the document was reloaded, not kept.
 */
async function hideAndRestore(page: Page, tabTitle: string): Promise<FrameLocator> {
  await activeWebview(page).locator('body').evaluate((body, mark) => body.setAttribute(mark, ''), MARK);
  await runCommand(page, 'File: New Untitled Text File');
  await page.locator('.tab.active', { hasText: 'Untitled' }).waitFor();
  await page.locator('.tab', { hasText: tabTitle }).click();
  await page.locator('.tab.active', { hasText: tabTitle }).waitFor();
  const frame = activeWebview(page);
  await frame.locator('body[data-panel]').waitFor();
  assert.equal(await frame.locator(`body[${MARK}]`).count(), 0, 'the webview kept its document: the test proves nothing');
  return frame;
}

/** The grid's row at the top of its viewport (0-based), from its scroll position. */
async function topRow(frame: FrameLocator): Promise<number> {
  return frame.locator('.grid').evaluate((grid) => {
    const viewport = grid.querySelector('.viewport') as HTMLElement;
    return Math.round(viewport.scrollTop / parseFloat(getComputedStyle(grid).getPropertyValue('--row-height')));
  });
}

/** Waits until the drawn rows are `expected` (the restored position loads page by page). */
async function waitForRows(frame: FrameLocator, expected: DrawnRow[]): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT;
  let drawn: DrawnRow[] = [];
  while (Date.now() < deadline) {
    drawn = await waitForDrawnRow(frame, () => true, UI_TIMEOUT);
    if (JSON.stringify(drawn) === JSON.stringify(expected)) return;
    await frame.locator('.rows').evaluate(() => new Promise((resolveFrame) => requestAnimationFrame(resolveFrame)));
  }
  assert.deepEqual(drawn, expected);
}

test('a preview back from the background shows the same filter, rows, position and status', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await openLakehouseSidebar(page);
  let frame = await previewTable(page, 'customers');
  await expectText(frame.locator('.status'), /version 1 · 2 columns · 100 rows · /);

  // A filter makes the host scan (no seeking); scrolling to the end lets it learn the count.
  await frame.locator('input.filter').fill('id >= 20');
  await frame.locator('input.filter').press('Enter');
  await expectText(frame.locator('.status'), /rows matching the filter/);
  await expectText(async () => {
    await scrollGridToEnd(frame);
    return frame.locator('.status').innerText();
  }, /· 80 rows matching the filter ·/);
  await scrollGridToRow(frame, 40);
  await waitForDrawnRow(frame, (n) => n === 41);
  const before = await waitForDrawnRow(frame, () => true);
  const status = (await frame.locator('.status').innerText()).trim();
  assert.ok(before.some((row) => row.number === 41) && !before.some((row) => row.number === 1), `drawn ${before.map((r) => r.number).join(',')}`);
  assert.equal(await topRow(frame), 40);
  for (const { cells: [id, str] } of before) {
    assert.ok(Number(id) >= 20, `row id ${id} passed the filter`);
    assert.equal(str, expectedCustomer(Number(id)));
  }

  frame = await hideAndRestore(page, 'Preview: customers');
  await expectText(frame.locator('.status'), status);
  await waitForRows(frame, before);
  assert.equal(await topRow(frame), 40);
  assert.equal(await frame.locator('input.filter').inputValue(), 'id >= 20');
  await screenshot(page, 'restore-preview');

  // The restored panel still pages: the end of the result is reachable and right.
  await scrollGridToEnd(frame);
  const end = await waitForDrawnRow(frame, (n) => n === 80);
  for (const { cells: [id, str] } of end) assert.equal(str, expectedCustomer(Number(id)));
});

test('the schema panel back from the background shows the same schema', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await runCommand(page, 'Lakehouse: Show Schema');
  await pickQuickItem(page, 'customers');
  let frame = activeWebview(page);
  await expectText(frame.locator('.status'), /^customers · version 1 · 2 columns · column mapping: /);
  const rows = (): Promise<string[]> => frame.locator('.schema-tree tbody tr').allInnerTexts();
  const status = (await frame.locator('.status').innerText()).trim();
  const before = await rows();
  assert.equal(before.length, 2);
  assert.match(before[0] ?? '', /^id\b/);

  frame = await hideAndRestore(page, 'Schema: customers');
  await expectText(frame.locator('.status'), status);
  assert.deepEqual(await rows(), before);
  await screenshot(page, 'restore-schema');
});

test('the OPTIMIZE panel back from the background shows the plan, and after Run the measured result', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  const tree = await openLakehouseSidebar(page);
  const row = treeRow(tree, SMALL_FILES);
  await row.waitFor();
  await runContextMenuItem(row, 'Optimize / Z-Order…');
  await pickQuickItem(page, 'Compact');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `Optimize ${SMALL_FILES} (3/3)` }).waitFor();
  await submitQuickInput(page);

  let frame = activeWebview(page);
  await expectText(frame.locator('.status'), /· plan only, nothing written yet$/, 2 * UI_TIMEOUT);
  const view = async (): Promise<{ status: string; document: string; runDisabled: boolean }> => ({
    status: (await frame.locator('.status').innerText()).trim(),
    document: await frame.locator('.document').innerText(),
    runDisabled: await frame.locator('button.run').isDisabled(),
  });
  const plan = await view();
  assert.equal(plan.runDisabled, false);
  assert.match(plan.document, /Bins \(1\)/);

  frame = await hideAndRestore(page, `Optimize: ${SMALL_FILES}`);
  await expectText(frame.locator('.status'), plan.status);
  assert.deepEqual(await view(), plan);

  await frame.locator('button.run').click();
  await expectText(frame.locator('.status'), /^Committed version 1 in /, 2 * UI_TIMEOUT);
  const result = await view();
  assert.match(result.document, /^Result/);

  frame = await hideAndRestore(page, `Optimize: ${SMALL_FILES}`);
  await expectText(frame.locator('.status'), result.status);
  assert.deepEqual(await view(), result);
  await screenshot(page, 'restore-optimize-result');
});

test('the row diff back from the background shows the same counts, kind and rows', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  // Whole rows: customers v0 -> v1 changed 50 rows, so 50 removed and 50 added.
  await runCommand(page, 'Lakehouse: Compare Versions…');
  await pickQuickItem(page, 'customers');
  await pickQuickItem(page, 'v0');
  await pickQuickItem(page, 'v1');
  await pickQuickItem(page, '(whole rows)');
  let frame = activeWebview(page);
  const counts = (): Promise<string> => frame.locator('.counts button').allInnerTexts().then((texts) => texts.join(' | '));
  await expectText(counts, 'Added: 50 | Removed: 50 | Changed: 0');
  // The kind shown is the webview's own state: pick the one it would not show first.
  await frame.locator('.counts button.count-removed').click();
  await expectText(frame.locator('.counts [aria-selected="true"]'), 'Removed: 50');
  await scrollGridToRow(frame, 10);
  await waitForDrawnRow(frame, (n) => n === 11);
  const before = await waitForDrawnRow(frame, () => true);
  assert.equal(await topRow(frame), 10);
  for (const { cells: [id, str] } of before) assert.equal(str, `val=${id}`);
  const status = (await frame.locator('.status').innerText()).trim();

  frame = await hideAndRestore(page, 'Diff: customers v0 ↔ v1');
  await expectText(frame.locator('.status'), status);
  await expectText(counts, 'Added: 50 | Removed: 50 | Changed: 0');
  await expectText(frame.locator('.counts [aria-selected="true"]'), 'Removed: 50');
  await waitForRows(frame, before);
  assert.equal(await topRow(frame), 10);
  await screenshot(page, 'restore-diff');
});

test('the Parquet editor back from the background shows the same footer details and rows', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  // One of the sales table's files: two records.
  const file = 'part-00001-d7e5d32a-55fa-410a-afee-adcdf46bc859.c000.snappy.parquet';
  await quickOpenFile(page, file);
  let frame = activeWebview(page);
  await expectText(frame.locator('.status'), /^part-00001-.* · 2 rows · 1 row groups · /);
  const details = (): Promise<string> => frame.locator('.document section').innerText();
  const status = (await frame.locator('.status').innerText()).trim();
  const facts = await details();
  assert.match(facts, /col1\tINT32/);
  const rows = await waitForDrawnRow(frame, () => true);
  assert.deepEqual(rows.map((row) => row.cells).sort(), [['31', 'foo1'], ['41', 'foo1']]);

  frame = await hideAndRestore(page, file);
  await expectText(frame.locator('.status'), status);
  assert.equal(await details(), facts);
  await waitForRows(frame, rows);
});
