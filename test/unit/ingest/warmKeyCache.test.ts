import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { applyKeyedChanges } from '../../../src/ops/ingest/applyKeyedChanges';
import { warmKeyCache } from '../../../src/ops/ingest/cachedKeyMatch';
import { FileKeyCache } from '../../../src/ops/ingest/fileKeyCache';
import { batchesOf, readRows, withTempTable } from '../write/helpers';

const ROWS = 5_000;
const ids = (from: number, count: number): BigInt64Array => BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i));

test('a warmed key cache lets the first keyed apply read no data file, and keeps the deletion vector the table had', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, batchesOf({ id: ids(0, ROWS), v: new Float64Array(ROWS) }), { properties: { 'delta.enableDeletionVectors': 'true' } });
    await writeTable(dir, batchesOf({ id: ids(ROWS, 10), v: new Float64Array(10) }), { mode: 'append' });
    await deleteRows(dir, 'id = 3');
    const cache = new FileKeyCache();
    assert.equal(await warmKeyCache(await (await DeltaTable.open(dir)).snapshot(), ['id'], cache), 2);

    const applied = await applyKeyedChanges(dir, {
      upserts: batchesOf({ id: BigInt64Array.of(4n, BigInt(ROWS + 1)), v: Float64Array.of(1, 1) }),
      deletes: batchesOf({ id: BigInt64Array.of(5n) }),
    }, { key: ['id'], txn: { appId: 'warm', version: 1 }, operation: 'MERGE', keyCache: cache });
    assert.equal(applied.timings.filesRead, 0, 'both files came from the cache');
    assert.equal(applied.rowsDeleted, 3);
    const rows = new Map((await readRows(dir, 'id')).map((row) => [Number(row.id as bigint), row.v as number]));
    assert.equal(rows.size, ROWS + 10 - 2, 'id 3 (deleted before) and id 5 are gone');
    assert.equal(rows.has(3), false, 'the cached keep mask kept the earlier deletion');
    assert.equal(rows.get(4), 1);
    assert.equal(rows.get(ROWS + 1), 1);
  });
});

test('a table without deletion vectors is not warmed: its applies rewrite files and never use the cache', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, batchesOf({ id: ids(0, 100), v: new Float64Array(100) }));
    const cache = new FileKeyCache();
    assert.equal(await warmKeyCache(await (await DeltaTable.open(dir)).snapshot(), ['id'], cache), 0);
    assert.equal(cache.size, 0);
  });
});
