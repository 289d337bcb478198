import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DeltaTable } from '../../src/delta/table';
import type { OptimizePlan } from '../../src/ops/optimize/optimizePlan';
import { planOptimize } from '../../src/ops/optimize/planOptimize';
import { writeSmallFiles } from '../unit/optimize/optimizeTables';
import { expectText } from './harness/expectText';
import { pickQuickItem, quickItem, submitQuickInput } from './harness/quickInput';
import { activeWebview, openLakehouseSidebar, runContextMenuItem, screenshot, treeRow } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';
import { UI_TIMEOUT } from './harness/uiTimeout';

const scratch = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-optimize-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const TABLE = 'smallfiles';

const workbench = workbenchForFile(async () => {
  // 40 small files in two partitions; a 24 KiB target makes the Z-order write several files per partition.
  const built = join(scratch, TABLE);
  await writeSmallFiles(built, 40, 500, { partitioned: true, parts: ['a', 'b'], properties: { 'delta.targetFileSize': '24kb' } });
  return { prepare: (workspace) => cpSync(built, join(workspace, TABLE), { recursive: true }) };
});

test('OPTIMIZE ZORDER BY from the tree: the panel shows the plan planOptimize makes, Run shows the measured result', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, workspace } = session;
  const location = join(workspace, TABLE);
  // Planning writes nothing and is deterministic (seeded sample): the panel must show these numbers.
  const expected = await planOptimize(location, { zOrderBy: ['x', 'y'] });
  assert.equal(expected.bins.length, 2);

  const tree = await openLakehouseSidebar(page);
  const row = treeRow(tree, TABLE);
  await row.waitFor();
  await runContextMenuItem(row, 'Optimize / Z-Order…');
  await pickQuickItem(page, 'Z-order');
  await checkQuickItems(page, ['x', 'y']);
  await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Optimize smallfiles (3/3)' }).waitFor();
  await submitQuickInput(page);

  const frame = activeWebview(page);
  await frame.locator('.size-histogram .size-class').first().waitFor({ timeout: 2 * UI_TIMEOUT });
  const classes = await frame.locator('.size-histogram .size-class').evaluateAll((groups) =>
    groups.map((g) => [g.getAttribute('data-label'), Number(g.getAttribute('data-before')), Number(g.getAttribute('data-after'))]));
  // Every size class holding a file before or after is drawn, with the plan's counts.
  const nonEmpty = expected.histogram.labels
    .map((label, i) => [label, expected.histogram.before[i] ?? 0, expected.histogram.after[i] ?? 0] as const)
    .filter(([, before, after]) => before + after > 0);
  assert.deepEqual(classes, nonEmpty);
  assert.deepEqual(await frame.locator('.size-histogram .count-before').allTextContents(), nonEmpty.map(([, before]) => String(before)));
  assert.deepEqual(await frame.locator('.size-histogram .count-after').allTextContents(), nonEmpty.map(([, , after]) => String(after)));
  assert.deepEqual(await binRows(page), expected.bins.map((bin) => [
    Object.entries(bin.partition).map(([k, v]) => `${k}=${v}`).join(', '), 'Z-order', String(bin.files.length), String(bin.liveRows), String(bin.outputFiles),
  ]));
  assert.equal(await metric(page, 'summary', 'Files to write'), String(expected.filesToAdd));
  assert.equal(await metric(page, 'summary', 'File count'), `${expected.fileCountBefore} → ${expected.fileCountAfter}`);
  assert.deepEqual(await skippingCells(page, 'predicted'), predicted(expected));
  assert.deepEqual(new Set(await skippingCells(page, 'measured')), new Set(['—']));
  await screenshot(page, 'optimize-plan');

  await frame.locator('button.run').click();
  await frame.locator('table.result').waitFor({ timeout: 2 * UI_TIMEOUT });
  const table = await DeltaTable.open(location);
  const snapshot = await table.snapshot();
  assert.equal(snapshot.version, 1);
  assert.equal(snapshot.fileCount, expected.fileCountAfter);
  await expectText(frame.locator('.status'), /^Committed version 1 in /);
  assert.deepEqual(await resultRow(page, 'Files added'), [String(expected.filesToAdd), String(expected.filesToAdd)]);
  assert.deepEqual(await resultRow(page, 'Files removed'), ['40', '40']);
  assert.deepEqual(await resultRow(page, 'Rows written'), ['20,000', '20,000']);
  const measured = await skippingCells(page, 'measured');
  assert.equal(measured.length, 4);
  for (const text of measured) assert.match(text, /^\d+\.\d%$/);
  // The predicted figures stay beside the measured ones.
  assert.deepEqual(await skippingCells(page, 'predicted'), predicted(expected));
  await frame.locator('table.skipping').scrollIntoViewIfNeeded();
  await screenshot(page, 'optimize-result');
});

/** Ticks the rows of the open multi-select quick pick with these labels. */
async function checkQuickItems(page: Page, labels: readonly string[]): Promise<void> {
  for (const label of labels) {
    const checkbox = quickItem(page, label).locator('input[type=checkbox], .monaco-checkbox, .quick-input-list-checkbox').first();
    await checkbox.click();
    // A click the list swallowed while re-rendering would leave the column out of the plan unseen.
    await expectText(() => checkbox.evaluate((box) => String(box instanceof HTMLInputElement ? box.checked
      : box.getAttribute('aria-checked') === 'true' || box.classList.contains('checked'))), 'true');
  }
}

async function binRows(page: Page): Promise<string[][]> {
  const rows = await activeWebview(page).locator('table.bins tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells, (c) => c.textContent ?? '')));
  // Input bytes are formatted (KiB); the other columns are exact.
  return rows.map(([partition = '', reason = '', files = '', , rows = '', outputs = '']) => [partition, reason, files, rows, outputs]);
}

async function metric(page: Page, table: string, label: string): Promise<string> {
  return activeWebview(page).locator(`table.${table} tr[data-metric="${label}"] td`).nth(1).innerText();
}

async function resultRow(page: Page, label: string): Promise<string[]> {
  const cells = await activeWebview(page).locator(`table.result tr[data-metric="${label}"] td`).allInnerTexts();
  return cells.slice(1);
}

async function skippingCells(page: Page, kind: 'predicted' | 'measured'): Promise<string[]> {
  return activeWebview(page).locator(`table.skipping td.${kind}`).allInnerTexts();
}

function predicted(plan: OptimizePlan): string[] {
  return plan.skipping.flatMap((c) => [c.range.predicted, c.point.predicted]).map((f) => `${(f * 100).toFixed(1)}%`);
}
