import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import { rowCells } from '../../../src/extension/preview/previewColumns';
import { RangePager } from '../../../src/extension/preview/rangePager';
import { RowPager, type RowPage } from '../../../src/extension/preview/rowPager';
import { RowRangeReader } from '../../../src/extension/preview/rowRangeReader';
import { GOLDEN_DIR } from '../../../scripts/demo-lakehouse';

/** Deletion vectors with partitions, DVs with column mapping, id mapping, partitions, all types, INT96. */
const TABLES = [
  'dv-partitioned-with-checkpoint', 'dv-with-columnmapping', 'table-with-columnmapping-mode-id',
  'data-skipping-partition-and-data-column', 'data-skipping-basic-stats-all-types-columnmapping-name', 'kernel-timestamp-int96',
];
/** Written without stats: no record counts to seek by. */
const NO_STATS = 'data-reader-nested-struct';
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'row-range-'));
  for (const name of [...TABLES, NO_STATS]) execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', dir]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function pagers(name: string, pageSize: number, columns?: string[]): Promise<{ sequential: RowPager; seeking: RangePager; total: number }> {
  const snapshot = await (await DeltaTable.open(join(dir, name, 'delta'))).snapshot();
  const options = { batchSize: pageSize, ...(columns ? { columns } : {}) };
  const scan = snapshot.scan(options);
  const reader = RowRangeReader.forScan(snapshot, scan);
  assert.ok(reader, `${name}: every file has numRecords, so the reader can seek`);
  return {
    sequential: new RowPager(() => snapshot.scan(options).batches(), rowCells(scan.schema)),
    seeking: new RangePager(reader, rowCells(scan.schema), pageSize),
    total: reader.total,
  };
}

for (const name of TABLES) {
  test(`${name}: seeking pages equal the scan's pages, in any order, with the exact total`, async () => {
    const { sequential, seeking, total } = await pagers(name, 3);
    const all: RowPage['rows'] = [];
    for (let offset = 0; ; offset += 3) {
      const page = await sequential.page(offset, 3);
      all.push(...page.rows);
      if (page.total !== undefined) break;
    }
    assert.ok(all.length > 0);
    assert.equal(total, all.length);
    // Backwards and at odd offsets, so each read seeks on its own.
    for (let offset = all.length - 1; offset >= 0; offset -= 2) {
      const page = await seeking.page(offset, 3);
      assert.deepEqual(page.rows, all.slice(offset, offset + 3), `rows at ${offset}`);
      assert.equal(page.total, all.length);
    }
    assert.deepEqual((await seeking.page(all.length, 3)).rows, []);
  });
}

test('a projection reads only the chosen columns, partition columns included', async () => {
  const { sequential, seeking, total } = await pagers('dv-partitioned-with-checkpoint', 50, ['col2', 'part']);
  const expected = await sequential.page(0, 50);
  const actual = await seeking.page(0, 50);
  assert.equal(actual.rows[0]?.length, 2);
  assert.deepEqual(actual.rows, expected.rows);
  assert.equal(total, expected.total);
});

test('a row filter cannot seek: the preview keeps the scan', async () => {
  const snapshot = await (await DeltaTable.open(join(dir, 'dv-partitioned-with-checkpoint', 'delta'))).snapshot();
  assert.equal(RowRangeReader.forScan(snapshot, snapshot.scan({ where: 'part = 1' })), undefined);
});

test('a table whose files lack numRecords cannot seek either', async () => {
  const snapshot = await (await DeltaTable.open(join(dir, NO_STATS, 'delta'))).snapshot();
  assert.equal(RowRangeReader.forScan(snapshot, snapshot.scan({})), undefined);
});
