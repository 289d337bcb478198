import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import type { Snapshot } from '../../../src/delta/snapshot';
import { rowCells } from '../../../src/extension/preview/previewColumns';
import { RowPager } from '../../../src/extension/preview/rowPager';
import { GOLDEN_DIR } from '../../../scripts/demo-lakehouse';

let dir: string;
let snapshot: Snapshot;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'row-pager-'));
  execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, 'basic-with-inserts-updates.tar.zst'), '-C', dir]);
  snapshot = await (await DeltaTable.open(join(dir, 'basic-with-inserts-updates', 'delta'))).snapshot();
});
after(() => rmSync(dir, { recursive: true, force: true }));

function pager(batchSize: number): RowPager {
  return new RowPager(() => snapshot.scan({ batchSize }).batches(), rowCells(snapshot.schema));
}

test('pages read forward cover every row once, and the last page says done', async () => {
  const rows = pager(7);
  const ids: number[] = [];
  let done = false;
  for (let offset = 0; !done; offset += 10) {
    const page = await rows.page(offset, 10);
    ids.push(...page.rows.map(([id]) => Number(id)));
    done = page.total !== undefined;
    if (done) assert.equal(page.total, 100);
    assert.ok(offset <= 100, 'the pager never ends');
  }
  assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  await rows.close();
});

test('an earlier page after a later one is read again from a new scan, with the same rows', async () => {
  const rows = pager(10);
  const first = await rows.page(0, 10);
  const later = await rows.page(60, 10);
  const again = await rows.page(0, 10);
  assert.deepEqual(again.rows, first.rows);
  assert.equal(later.rows.length, 10);
  assert.equal(first.rows[0][1], Number(first.rows[0][0]) < 50 ? 'N/A' : `val=${first.rows[0][0]}`);
  const end = await rows.page(95, 10);
  assert.equal(end.rows.length, 5);
  assert.equal(end.total, 100);
  assert.deepEqual(await rows.page(120, 10), { rows: [], total: 100 });
  await rows.close();
});

test('concurrent requests are served in order without mixing their rows', async () => {
  const sequential = pager(10);
  const expected = [];
  for (let offset = 0; offset < 100; offset += 10) expected.push((await sequential.page(offset, 10)).rows);
  const concurrent = pager(10);
  const pages = await Promise.all([30, 10, 0, 20].map((offset) => concurrent.page(offset, 10)));
  assert.deepEqual(pages.map((p) => p.rows), [expected[3], expected[1], expected[0], expected[2]]);
});
