import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator } from 'playwright-core';
import { workbenchForFile } from './harness/workbenchForFile';
import { expectText } from './harness/expectText';
import { lakehouseActivity, openLakehouseSidebar, screenshot, setTreeRowExpanded, treeRow } from './harness/workbench';
import { UI_TIMEOUT } from './harness/uiTimeout';

const workbench = workbenchForFile();

test('the Lakehouse activity bar item opens the Tables view listing the demo tables', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  await lakehouseActivity(page).waitFor({ timeout: UI_TIMEOUT });
  const tree = await openLakehouseSidebar(page);
  for (const name of ['customers', 'events', 'prices', 'sales']) {
    await treeRow(tree, name).waitFor({ timeout: UI_TIMEOUT });
  }
  await screenshot(page, 'sidebar-tables');
  await expectText(treeRow(tree, 'sales').locator('.label-description'), /^v15 · /);
});

test('expanding a table shows its schema, history and files with real names and values', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  const tree = await openLakehouseSidebar(page);
  await setTreeRowExpanded(tree, 'sales', true);

  await setTreeRowExpanded(tree, 'Schema', true);
  await expectText(description(tree, 'part'), 'integer · partition');
  await expectText(description(tree, 'col1'), 'integer');
  await expectText(description(tree, 'col2'), 'string');
  await screenshot(page, 'sidebar-schema');
  await setTreeRowExpanded(tree, 'Schema', false);

  await setTreeRowExpanded(tree, 'History', true);
  await expectText(description(tree, 'v15 DELETE'), /current$/);
  await treeRow(tree, 'v0 WRITE').waitFor();
  await screenshot(page, 'sidebar-history');
  await setTreeRowExpanded(tree, 'History', false);

  await setTreeRowExpanded(tree, 'Files', true);
  await setTreeRowExpanded(tree, 'part=1', true);
  const file = 'part-00001-d7e5d32a-55fa-410a-afee-adcdf46bc859.c000.snappy.parquet';
  await expectText(description(tree, file), '732 B · 2 records');
  await screenshot(page, 'sidebar-files');
});

function description(tree: Locator, label: string): Locator {
  return treeRow(tree, label).locator('.label-description');
}

test('a commit by another process refreshes the table in the tree', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page, tables } = session;
  const tree = await openLakehouseSidebar(page);
  const customers = treeRow(tree, 'customers');
  await expectText(customers.locator('.label-description'), /^v1 · /);
  // An empty commit (commitInfo only) is a valid new version.
  const commit = { commitInfo: { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', operationParameters: {} } };
  writeFileSync(join(tables.customers, '_delta_log', '00000000000000000002.json'), `${JSON.stringify(commit)}\n`);
  await expectText(customers.locator('.label-description'), /^v2 · /);
  await screenshot(page, 'sidebar-refreshed');
});
