import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCommit } from '../../../src/delta/commitReader';
import { commitPath } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { isDeltaError } from '../../../src/delta/errors';
import { addConstraint } from '../../../src/delta/write/addConstraint';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { restoreTable } from '../../../src/ops/restore/restoreTable';
import { vacuumTable } from '../../../src/ops/vacuum/vacuumTable';
import { batchesOf, readRows, tempTableDir } from '../write/helpers';

async function seed(dir: string, properties: Record<string, string> = {}): Promise<void> {
  await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n, 2n, 3n), part: ['a', 'a', 'b'] }), { partitionBy: ['part'], properties });
  await writeTable(dir, batchesOf({ id: BigInt64Array.of(4n), part: ['c'] }));
  await deleteRows(dir, 'id = 2');
  await updateRows(dir, { part: "'z'" }, { where: 'id = 3' });
}

for (const dvs of [false, true]) {
  describe(`RESTORE ${dvs ? 'with deletion vectors' : 'copy-on-write'}`, () => {
    const properties: Record<string, string> = dvs ? { 'delta.enableDeletionVectors': 'true' } : {};

    test('restore to each older version: the scan equals the scan of that version', async () => {
      const { dir, cleanup } = await tempTableDir();
      try {
        await seed(dir, properties);
        const expected = await readRows(dir, 'id', 1);
        const result = await restoreTable(dir, { version: 1 });
        assert.equal(result.version, 4);
        assert.equal(result.restoredVersion, 1);
        assert.deepEqual(await readRows(dir, 'id'), expected);
        assert.deepEqual(expected.map((r) => [r.id, r.part]), [[1n, 'a'], [2n, 'a'], [3n, 'b'], [4n, 'c']]);
        const [entry] = await (await DeltaTable.open(dir)).history({ limit: 1 });
        assert.equal(entry?.operation, 'RESTORE');
        assert.deepEqual(entry?.operationParameters, { version: '1' });
        const metrics = entry?.operationMetrics ?? {};
        assert.deepEqual(
          [metrics.numRestoredFiles, metrics.numRemovedFiles, metrics.numOfFilesAfterRestore].map(Number),
          [result.filesAdded, result.filesRemoved, result.filesAfter],
        );
        assert.ok(result.filesAdded > 0 && result.filesRemoved > 0);
        assert.equal(Number(metrics.restoredFilesSize), result.bytesAdded);
        assert.equal(Number(metrics.tableSizeAfterRestore), result.bytesAfter);
        // Restoring forward again (to the version before the restore) is a restore like any other.
        const again = await restoreTable(dir, { version: 3 });
        assert.deepEqual(await readRows(dir, 'id'), await readRows(dir, 'id', 3));
        assert.equal(again.version, 5);
        // Every file action of a restore is a data change (change readers and conflict checks see it).
        const actions = await readCommit((await DeltaTable.open(dir)).store, commitPath(4));
        const fileActions = actions.filter((a) => a.add || a.remove);
        assert.equal(fileActions.length, result.filesAdded + result.filesRemoved);
        assert.ok(fileActions.every((a) => (a.add ?? a.remove)?.dataChange === true));
      } finally {
        await cleanup();
      }
    });
  });
}

describe('RESTORE', () => {
  test('by timestamp: the version current at that time', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n) }));
      await sleep(20);
      const between = new Date();
      await sleep(20);
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(2n) }));
      const result = await restoreTable(dir, { timestamp: between });
      assert.equal(result.restoredVersion, 0);
      assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [1n]);
      const [entry] = await (await DeltaTable.open(dir)).history({ limit: 1 });
      assert.deepEqual(entry?.operationParameters, { timestamp: between.toISOString(), version: '0' });
    } finally {
      await cleanup();
    }
  });

  test('metadata comes back (schema, constraints); the protocol is not downgraded', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n) }));
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(2n), extra: ['x'] }), { mergeSchema: true });
      await addConstraint(dir, 'positive', 'id > 0');
      const before = await (await DeltaTable.open(dir)).snapshot();
      assert.ok(before.protocol.minWriterVersion >= 3);
      const result = await restoreTable(dir, { version: 0 });
      assert.equal(result.metadataRestored, true);
      const after = await (await DeltaTable.open(dir)).snapshot();
      assert.deepEqual(after.schema.fields.map((f) => f.name), ['id']);
      assert.equal(after.properties['delta.constraints.positive'], undefined);
      assert.deepEqual(after.protocol, before.protocol);
      assert.equal(after.metadata.id, before.metadata.id);
      assert.deepEqual(await readRows(dir, 'id'), [{ id: 1n }]);
    } finally {
      await cleanup();
    }
  });

  test('refused, naming a missing file, when VACUUM deleted the files of that version; the table is unchanged', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n) }));
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(2n) }), { mode: 'overwrite' });
      const gone = (await (await DeltaTable.open(dir)).snapshot({ version: 0 })).files()[0]?.path ?? '';
      await vacuumTable(dir, { retentionHours: 0, force: true });
      const latest = await (await DeltaTable.open(dir)).latestVersion();
      await assert.rejects(restoreTable(dir, { version: 0 }), (error: unknown) => {
        assert.ok(isDeltaError(error, 'DELTA_FILE_NOT_FOUND'));
        assert.ok(error.message.includes(decodeURIComponent(gone)), error.message);
        assert.match(error.message, /Cannot restore version 0: 1 of the 1 files/);
        return true;
      });
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), latest);
      assert.deepEqual(await readRows(dir, 'id'), [{ id: 2n }]);
      await assert.rejects(restoreTable(dir, { version: 99 }), (e: unknown) => isDeltaError(e));
    } finally {
      await cleanup();
    }
  });
});
