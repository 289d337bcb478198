import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { writeTable } from '../../../src/delta/write/writeTable';
import { exportRows } from '../../../src/ops/export/exportRows';
import { decodeParquet } from '../../../src/parquet/readParquet';

const dir = mkdtempSync(join(tmpdir(), 'export-rows-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function scanOf(where?: string) {
  const location = join(dir, 'table');
  if (!existsSync(location)) {
    await writeTable(location, tableFromArrays({ id: Int32Array.of(1, 2, 3), name: ['a', 'b,c', 'd'] }).batches);
  }
  const snapshot = await (await DeltaTable.open(location)).snapshot();
  return snapshot.scan(where ? { where } : {});
}

test('CSV and NDJSON exports hold the filtered rows in the CLI formats', async () => {
  const csvScan = await scanOf('id >= 2');
  assert.equal(await exportRows(csvScan.batches(), csvScan.schema, 'csv', join(dir, 'out.csv')), 2);
  assert.equal(readFileSync(join(dir, 'out.csv'), 'utf8'), 'id,name\n2,"b,c"\n3,d\n');
  const ndjsonScan = await scanOf();
  await exportRows(ndjsonScan.batches(), ndjsonScan.schema, 'ndjson', join(dir, 'out.ndjson'));
  assert.deepEqual(readFileSync(join(dir, 'out.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line)),
    [{ id: 1, name: 'a' }, { id: 2, name: 'b,c' }, { id: 3, name: 'd' }]);
});

test('a Parquet export reads back with the same rows', async () => {
  const scan = await scanOf();
  assert.equal(await exportRows(scan.batches(), scan.schema, 'parquet', join(dir, 'out.parquet')), 3);
  const table = decodeParquet(readFileSync(join(dir, 'out.parquet')));
  assert.deepEqual(table.toArray().map((row) => [row.id, row.name]), [[1, 'a'], [2, 'b,c'], [3, 'd']]);
});

test('a cancelled export leaves no partial file', async () => {
  const scan = await scanOf();
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(exportRows(scan.batches(), scan.schema, 'csv', join(dir, 'cancelled.csv'), { signal: abort.signal }));
  assert.equal(existsSync(join(dir, 'cancelled.csv')), false);
});
