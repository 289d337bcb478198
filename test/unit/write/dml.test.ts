import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTable } from '../../../src/delta/write/writeTable';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { DeltaTable } from '../../../src/delta/table';
import { isDeltaError } from '../../../src/delta/errors';
import { batchesOf, readRows, withTempTable } from './helpers';

const ids = (n: number, from = 0): BigInt64Array => BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i));

async function seed(dir: string, properties: Record<string, string> = {}): Promise<void> {
  await writeTable(dir, batchesOf({ id: ids(6), part: ['a', 'a', 'b', 'b', 'c', 'c'], v: Float64Array.of(0, 1, 2, 3, 4, 5) }),
    { partitionBy: ['part'], properties });
}

for (const dvs of [false, true]) {
  describe(`DML ${dvs ? 'with deletion vectors' : 'copy-on-write'}`, () => {
    const properties: Record<string, string> = dvs ? { 'delta.enableDeletionVectors': 'true' } : {};

    test('DELETE by data column and by partition', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const byData = await deleteRows(dir, 'v >= 1 AND v < 3');
        assert.deepEqual([byData.version, byData.rowsRemoved], [1, 2]);
        assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [0n, 3n, 4n, 5n]);
        const snapshot = await (await DeltaTable.open(dir)).snapshot();
        assert.equal(snapshot.files().some((f) => f.deletionVector), dvs);
        const byPartition = await deleteRows(dir, "part = 'c'");
        assert.deepEqual([byPartition.rowsRemoved, byPartition.filesRemoved], [2, 1]);
        assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [0n, 3n]);
        const none = await deleteRows(dir, 'v > 100');
        assert.deepEqual([none.version, none.rowsRemoved], [2, 0]);
        assert.deepEqual((await readRows(dir, 'id', 0)).length, 6);
      });
    });

    test('UPDATE with literal assignments', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const summary = await updateRows(dir, { v: '-1', part: "'z'" }, { where: 'id IN (1, 4)' });
        assert.equal(summary.rowsAdded, 2);
        const rows = await readRows(dir, 'id');
        assert.deepEqual(rows.map((r) => [r.id, r.part, r.v]), [
          [0n, 'a', 0], [1n, 'z', -1], [2n, 'b', 2], [3n, 'b', 3], [4n, 'z', -1], [5n, 'c', 5],
        ]);
      });
    });

    test('MERGE: update, delete when, insert; only overlapping files read', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const source = batchesOf({
          id: BigInt64Array.of(1n, 2n, 10n), part: ['a', 'b', 'q'], v: Float64Array.of(100, 200, 1000), op: ['U', 'D', 'I'],
        });
        const summary = await mergeRows(dir, source, { key: ['id'], deleteWhen: "op = 'D'" });
        assert.deepEqual([summary.rowsUpdated, summary.rowsDeleted, summary.rowsInserted], [1, 1, 1]);
        const rows = await readRows(dir, 'id');
        assert.deepEqual(rows.map((r) => [r.id, r.part, r.v]), [
          [0n, 'a', 0], [1n, 'a', 100], [3n, 'b', 3], [4n, 'c', 4], [5n, 'c', 5], [10n, 'q', 1000],
        ]);
        assert.deepEqual(Object.keys(rows[0] ?? {}), ['id', 'part', 'v'], 'the condition-only column op is not added');
        const history = await (await DeltaTable.open(dir)).history({ limit: 1 });
        assert.equal(history[0]?.operation, 'MERGE');
      });
    });

    test('MERGE with schema evolution: rows copied from older files get the added column as NULL', async () => {
      await withTempTable(async (dir) => {
        await seed(dir, properties);
        const source = batchesOf({ id: BigInt64Array.of(1n, 10n), part: ['a', 'q'], v: Float64Array.of(100, 1000), note: ['u', 'i'] });
        const summary = await mergeRows(dir, source, { key: ['id'], mergeSchema: true });
        assert.deepEqual([summary.rowsUpdated, summary.rowsInserted], [1, 1]);
        const rows = await readRows(dir, 'id');
        assert.deepEqual(rows.map((r) => [r.id, r.v, r.note]), [
          [0n, 0, null], [1n, 100, 'u'], [2n, 2, null], [3n, 3, null], [4n, 4, null], [5n, 5, null], [10n, 1000, 'i'],
        ]);
      });
    });
  });
}

describe('MERGE errors', () => {
  test('duplicate source keys matching a target row', async () => {
    await withTempTable(async (dir) => {
      await seed(dir);
      const source = batchesOf({ id: BigInt64Array.of(1n, 1n), part: ['a', 'a'], v: Float64Array.of(1, 2) });
      await assert.rejects(mergeRows(dir, source, { key: ['id'] }), /several source rows have the key/);
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0);
    });
  });
});

describe('Change Data Feed', () => {
  test('DELETE and MERGE write _change_data files with _change_type', async () => {
    await withTempTable(async (dir) => {
      await seed(dir, { 'delta.enableChangeDataFeed': 'true' });
      await deleteRows(dir, 'id = 0');
      await mergeRows(dir, batchesOf({ id: BigInt64Array.of(2n, 9n), part: ['b', 'b'], v: Float64Array.of(7, 9) }), { key: ['id'] });
      const changeDirs = await readdir(join(dir, '_change_data'));
      assert.deepEqual(changeDirs.sort(), ['part=a', 'part=b']);
      const commit = await readFile(join(dir, '_delta_log', '00000000000000000002.json'), 'utf8');
      const cdc = commit.split('\n').filter((l) => l.includes('"cdc"'));
      assert.equal(cdc.length, 1);
      assert.match(cdc[0] ?? '', /"path":"_change_data\/part=b\/part-/);
    });
  });
});

describe('constraints on DML', () => {
  test('UPDATE violating a CHECK constraint is refused', async () => {
    await withTempTable(async (dir) => {
      await seed(dir, { 'delta.constraints.positive': 'v >= 0' });
      await assert.rejects(updateRows(dir, { v: '-5' }, { where: 'id < 3' }), (e) => isDeltaError(e, 'DELTA_CONSTRAINT_VIOLATION')
        && /violated by 3 rows/.test(e.message));
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0);
    });
  });
});
