import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { workbenchForFile } from './harness/workbenchForFile';
import { lakehouseActivity, openLakehouseSidebar, screenshot, treeRow } from './harness/workbench';

const workbench = workbenchForFile();

test('the Lakehouse activity bar item opens the Tables view listing the demo tables', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await lakehouseActivity(page).waitFor({ timeout: 60_000 });
  const tree = await openLakehouseSidebar(page);
  for (const name of ['customers', 'events', 'prices', 'sales']) {
    await treeRow(tree, name).waitFor({ timeout: 30_000 });
  }
  await screenshot(page, 'sidebar-tables');
  const sales = treeRow(tree, 'sales');
  assert.match(await sales.locator('.label-description').innerText(), /^v15 · /);
});

test('expanding a table shows its schema, history and files with real names and values', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  const tree = await openLakehouseSidebar(page);
  await treeRow(tree, 'sales').click();

  await treeRow(tree, 'Schema').click();
  assert.equal(await description(tree, 'part'), 'integer · partition');
  assert.equal(await description(tree, 'col1'), 'integer');
  assert.equal(await description(tree, 'col2'), 'string');
  await screenshot(page, 'sidebar-schema');
  await treeRow(tree, 'Schema').click();

  await treeRow(tree, 'History').click();
  await treeRow(tree, 'v15 DELETE').waitFor();
  assert.match(await description(tree, 'v15 DELETE'), /current$/);
  await treeRow(tree, 'v0 WRITE').waitFor();
  await screenshot(page, 'sidebar-history');
  await treeRow(tree, 'History').click();

  await treeRow(tree, 'Files').click();
  await treeRow(tree, 'part=1').click();
  const file = 'part-00001-d7e5d32a-55fa-410a-afee-adcdf46bc859.c000.snappy.parquet';
  assert.equal(await description(tree, file), '732 B · 2 records');
  await screenshot(page, 'sidebar-files');
});

async function description(tree: Locator, label: string): Promise<string> {
  const row = treeRow(tree, label);
  await row.waitFor({ timeout: 30_000 });
  return (await row.locator('.label-description').innerText()).trim();
}

test('a commit by another process refreshes the table in the tree', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, tables } = session;
  const tree = await openLakehouseSidebar(page);
  const customers = treeRow(tree, 'customers');
  await customers.waitFor({ timeout: 30_000 });
  assert.match(await customers.locator('.label-description').innerText(), /^v1 · /);
  // An empty commit (commitInfo only) is a valid new version.
  const commit = { commitInfo: { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', operationParameters: {} } };
  writeFileSync(join(tables.customers, '_delta_log', '00000000000000000002.json'), `${JSON.stringify(commit)}\n`);
  await customers.locator('.label-description', { hasText: /^v2 · / }).waitFor({ timeout: 30_000 });
  await screenshot(page, 'sidebar-refreshed');
});
