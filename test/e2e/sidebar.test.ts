import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { e2eToolsOrSkip } from './harness/e2eGate';
import { openWorkbenchSession, type WorkbenchSession } from './harness/workbenchSession';
import { lakehouseActivity, openLakehouseSidebar, screenshot, treeRow } from './harness/workbench';

let session: WorkbenchSession | undefined;
let skipped = 'not started';

before(async () => {
  const tools = e2eToolsOrSkip();
  if ('skip' in tools) skipped = tools.skip;
  else session = await openWorkbenchSession(tools);
});
after(async () => session?.close());

test('the Lakehouse activity bar item opens the Tables view listing the demo tables', async (t) => {
  if (!session) return t.skip(skipped);
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
