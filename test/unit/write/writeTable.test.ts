import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeTable } from '../../../src/delta/write/writeTable';
import { DeltaTable } from '../../../src/delta/table';
import { isDeltaError } from '../../../src/delta/errors';
import { batchesOf, readRows, tempTableDir } from './helpers';

describe('writeTable', () => {
  test('creates a table, appends, overwrites; rows read back exactly', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const first = await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n, 2n, 9007199254740993n), name: ['a', 'b', null] }));
      assert.deepEqual({ ...first, bytesAdded: first.bytesAdded > 0 }, { version: 0, rowsAdded: 3, rowsRemoved: 0, filesAdded: 1, filesRemoved: 0, bytesAdded: true });
      assert.deepEqual(await readRows(dir, 'id'), [
        { id: 1n, name: 'a' }, { id: 2n, name: 'b' }, { id: 9007199254740993n, name: null },
      ]);
      const second = await writeTable(dir, batchesOf({ id: BigInt64Array.of(4n), name: ['d'] }), { mode: 'append' });
      assert.equal(second.version, 1);
      assert.equal((await readRows(dir, 'id')).length, 4);
      const third = await writeTable(dir, batchesOf({ id: BigInt64Array.of(7n), name: ['z'] }), { mode: 'overwrite' });
      assert.deepEqual([third.version, third.filesRemoved, third.filesAdded], [2, 2, 1]);
      assert.deepEqual(await readRows(dir, 'id'), [{ id: 7n, name: 'z' }]);
      assert.equal((await readRows(dir, 'id', 1)).length, 4);
      const history = await (await DeltaTable.open(dir)).history();
      assert.deepEqual(history.map((h) => h.operation), ['WRITE', 'WRITE', 'WRITE']);
    } finally {
      await cleanup();
    }
  });

  test('error and ignore modes', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: Int32Array.of(1) }), { mode: 'error' });
      await assert.rejects(writeTable(dir, batchesOf({ id: Int32Array.of(2) }), { mode: 'error' }), (e) => isDeltaError(e, 'DELTA_TABLE_EXISTS'));
      const ignored = await writeTable(dir, batchesOf({ id: Int32Array.of(3) }), { mode: 'ignore' });
      assert.deepEqual([ignored.version, ignored.rowsAdded], [0, 0]);
      assert.deepEqual(await readRows(dir, 'id'), [{ id: 1 }]);
    } finally {
      await cleanup();
    }
  });

  test('idempotent writes: a repeated txn version is skipped', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      const progress: number[] = [];
      await writeTable(dir, batchesOf({ id: Int32Array.of(1, 2) }), { txn: { appId: 'loader', version: 1 }, onProgress: (done) => progress.push(done) });
      assert.deepEqual(progress, [2]);
      const repeated = await writeTable(dir, batchesOf({ id: Int32Array.of(1, 2) }), { txn: { appId: 'loader', version: 1 } });
      assert.deepEqual([repeated.version, repeated.rowsAdded], [0, 0]);
      const next = await writeTable(dir, batchesOf({ id: Int32Array.of(3) }), { txn: { appId: 'loader', version: 2 } });
      assert.equal(next.version, 1);
      assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [1, 2, 3]);
      assert.equal((await (await DeltaTable.open(dir)).snapshot()).txnVersion('loader'), 2);
    } finally {
      await cleanup();
    }
  });
});
