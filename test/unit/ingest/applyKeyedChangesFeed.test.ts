import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tableChanges } from '../../../src/delta/changes/tableChanges';
import { DeltaTable } from '../../../src/delta/table';
import { writeTable } from '../../../src/delta/write/writeTable';
import { applyKeyedChanges } from '../../../src/ops/ingest/applyKeyedChanges';
import { FileKeyCache } from '../../../src/ops/ingest/fileKeyCache';
import { batchesOf, readRows, withTempTable } from '../write/helpers';
import { toPlainRows } from '../write/plainRows';

const ROWS = 1_000;

/** The change rows of `version` as `type id v`, sorted. */
async function changeLines(dir: string, version: number): Promise<string[]> {
  const changes = await tableChanges(await DeltaTable.open(dir), { fromVersion: version, toVersion: version });
  const lines: string[] = [];
  for await (const batch of changes.batches()) {
    for (const row of toPlainRows(batch)) lines.push(`${String(row._change_type)} ${String(row.id)} ${String(row.v)}`);
  }
  return lines.sort();
}

for (const deletionVectors of [false, true]) {
  test(`a keyed apply on a change-feed table records deletes, pre/post-images and inserts, not the copied rows (${deletionVectors ? 'deletion vectors, key cache' : 'copy-on-write'})`, async () => {
    await withTempTable(async (dir) => {
      const properties: Record<string, string> = { 'delta.enableChangeDataFeed': 'true', ...(deletionVectors ? { 'delta.enableDeletionVectors': 'true' } : {}) };
      await writeTable(dir, batchesOf({ id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)), v: new Float64Array(ROWS) }), { properties });
      const applied = await applyKeyedChanges(dir, {
        upserts: batchesOf({ id: BigInt64Array.of(5n, 500n, 5000n), v: Float64Array.of(1, 2, 3) }),
        deletes: batchesOf({ id: BigInt64Array.of(7n, 9999n) }),
      }, { key: ['id'], txn: { appId: 'feed-test', version: 1 }, operation: 'MERGE', ...(deletionVectors ? { keyCache: new FileKeyCache() } : {}) });
      assert.equal(applied.version, 1);
      assert.deepEqual(await changeLines(dir, 1), [
        'delete 7 0',
        'insert 5000 3',
        'update_postimage 5 1', 'update_postimage 500 2',
        'update_preimage 5 0', 'update_preimage 500 0',
      ]);
      const rows = await readRows(dir, 'id');
      assert.equal(rows.length, ROWS, 'one row deleted, one inserted');
      assert.deepEqual(rows.filter((r) => [5n, 7n, 500n, 5000n].includes(r.id as bigint)).map((r) => [r.id, r.v]), [[5n, 1], [500n, 2], [5000n, 3]]);
    });
  });
}
