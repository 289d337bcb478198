import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridRows, waitForDrawnRow } from './harness/previewGrid';
import { activeWebview, quickOpenFile, screenshot } from './harness/workbench';
import { workbenchForFile } from './harness/workbenchForFile';

const workbench = workbenchForFile();

test('a .parquet file opens in the custom editor with schema, row groups, stats and data', async (t) => {
  const session = workbench.session;
  if (!session) return t.skip(workbench.skipped);
  const { page } = session;
  // One of the sales table's files (partition part=1): two records, col1 31 and 41, col2 'foo1'.
  const file = 'part-00001-d7e5d32a-55fa-410a-afee-adcdf46bc859.c000.snappy.parquet';
  await quickOpenFile(page, file);

  await page.locator('.tab', { hasText: file }).waitFor();
  const frame = activeWebview(page);
  // The footer's details and the first rows come in one message: the status, tables and grid together.
  await frame.locator('.status', { hasText: '2 rows' }).waitFor();
  assert.match(await frame.locator('.status').innerText(), /2 rows · 1 row groups/);
  const schema = await frame.locator('table.parquet-schema tbody tr').allInnerTexts();
  assert.ok(schema.some((row) => /^col1\tINT32/.test(row)), schema.join(' | '));
  const chunks = await frame.locator('table.row-group tbody tr').allInnerTexts();
  const col1 = chunks.find((row) => row.startsWith('col1'));
  assert.ok(col1, chunks.join(' | '));
  const [, codec, , min, max, nulls] = col1.split('\t');
  assert.deepEqual([codec, min, max, nulls], ['SNAPPY', '31', '41', '0']);
  await waitForDrawnRow(frame, () => true);
  const rows = await gridRows(frame);
  assert.deepEqual(rows.sort(), [['31', 'foo1'], ['41', 'foo1']]);
  await screenshot(page, 'parquet-editor');
});
