import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { DeltaTable } from '../../../src/delta/table';
import { isDeltaError } from '../../../src/delta/errors';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { isHiddenFromVacuum } from '../../../src/ops/vacuum/vacuumListing';
import { vacuumTable } from '../../../src/ops/vacuum/vacuumTable';
import { batchesOf, readRows, tempTableDir } from '../write/helpers';

const HOUR = 3_600_000;

/** Every file under the table root except the log, table-relative. */
async function dataFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '_delta_log') await walk(path);
      } else {
        out.push(relative(dir, path));
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** A stray file with a modification time in the past, as an orphan of a crashed writer would have. */
async function orphan(dir: string, path: string, ageMs = 30 * 24 * HOUR): Promise<void> {
  const full = join(dir, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, 'orphan');
  const when = new Date(Date.now() - ageMs);
  await utimes(full, when, when);
}

async function seedOverwritten(dir: string): Promise<void> {
  await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n, 2n), part: ['a', 'b'] }), { partitionBy: ['part'] });
  await writeTable(dir, batchesOf({ id: BigInt64Array.of(3n), part: ['a'] }));
  await writeTable(dir, batchesOf({ id: BigInt64Array.of(10n, 11n), part: ['a', 'c'] }), { mode: 'overwrite' });
}

describe('VACUUM', () => {
  test('after an overwrite, retain 0 (forced) deletes the old files; the latest rows stay intact', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await seedOverwritten(dir);
      const active = (await (await DeltaTable.open(dir)).snapshot()).files().map((f) => decodeURIComponent(f.path)).sort();
      assert.equal((await dataFiles(dir)).length, 5);
      const result = await vacuumTable(dir, { retentionHours: 0, force: true });
      assert.equal(result.filesDeleted, 3);
      assert.equal(result.files.length, 3);
      assert.ok(result.bytesDeleted > 0);
      assert.deepEqual(await dataFiles(dir), active);
      assert.deepEqual((await readRows(dir, 'id')).map((r) => [r.id, r.part]), [[10n, 'a'], [11n, 'c']]);
      const history = await (await DeltaTable.open(dir)).history({ limit: 2 });
      assert.deepEqual(history.map((h) => [h.version, h.operation]), [[4, 'VACUUM END'], [3, 'VACUUM START']]);
      assert.deepEqual([result.startVersion, result.endVersion], [3, 4]);
      assert.deepEqual(history[1]?.operationParameters, { retentionCheckEnabled: 'false', defaultRetentionMillis: String(7 * 24 * HOUR), specifiedRetentionMillis: '0' });
      assert.deepEqual(history[1]?.operationMetrics, { numFilesToDelete: '3', sizeOfDataToDelete: String(result.bytesDeleted) });
      assert.deepEqual(history[0]?.operationParameters, { status: 'COMPLETED' });
      assert.equal(history[0]?.operationMetrics?.numDeletedFiles, '3');
    } finally {
      await cleanup();
    }
  });

  test('--dry-run lists what would go and deletes nothing, commits nothing', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await seedOverwritten(dir);
      const before = await dataFiles(dir);
      const result = await vacuumTable(dir, { retentionHours: 0, force: true, dryRun: true });
      assert.equal(result.dryRun, true);
      assert.equal(result.files.length, 3);
      assert.equal(result.filesDeleted, 0);
      assert.ok(result.files.every((path) => before.includes(path)));
      assert.deepEqual(await dataFiles(dir), before);
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 2);
    } finally {
      await cleanup();
    }
  });

  test('a retention under delta.deletedFileRetentionDuration is refused unless forced', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await seedOverwritten(dir);
      const before = await dataFiles(dir);
      await assert.rejects(vacuumTable(dir, { retentionHours: 1 }), (error: unknown) => {
        assert.ok(isDeltaError(error, 'DELTA_RETENTION_TOO_SHORT'));
        assert.match(error.message, /retention of 1 hours: this table keeps removed files for 168 hours \(delta\.deletedFileRetentionDuration\)/);
        assert.match(error.message, /--force/);
        return true;
      });
      await assert.rejects(vacuumTable(dir, { retentionHours: -1, force: true }), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
      assert.deepEqual(await dataFiles(dir), before);
      assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 2);
    } finally {
      await cleanup();
    }
  });

  test('the table property sets the default retention and the check', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n) }), { properties: { 'delta.deletedFileRetentionDuration': 'interval 2 hours' } });
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(2n) }), { mode: 'overwrite' });
      await assert.rejects(vacuumTable(dir, { retentionHours: 1 }), (e: unknown) => isDeltaError(e, 'DELTA_RETENTION_TOO_SHORT'));
      const now = Date.now();
      const soon = await vacuumTable(dir, { dryRun: true, now: now + HOUR });
      assert.deepEqual([soon.retentionHours, soon.files.length], [2, 0]);
      const later = await vacuumTable(dir, { dryRun: true, now: now + 3 * HOUR });
      assert.equal(later.files.length, 1);
    } finally {
      await cleanup();
    }
  });

  test('files of versions inside the retention window survive, so time travel still works there', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await seedOverwritten(dir);
      const removedAt = Date.now();
      // One hour later, with a two-hour window: version 1 is inside it, its files must stay.
      const inside = await vacuumTable(dir, { retentionHours: 2, force: true, now: removedAt + HOUR });
      assert.equal(inside.filesDeleted, 0);
      assert.deepEqual((await readRows(dir, 'id', 1)).map((r) => r.id), [1n, 2n, 3n]);
      const outside = await vacuumTable(dir, { retentionHours: 2, force: true, now: removedAt + 3 * HOUR });
      assert.equal(outside.filesDeleted, 3);
      await assert.rejects(readRows(dir, 'id', 1));
    } finally {
      await cleanup();
    }
  });

  test('a window longer than the tombstones in checkpoints still keeps the files its versions need', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      // Checkpoint every commit and keep tombstones 1 hour: the overwrite's tombstones are dropped
      // from a checkpoint written 2 hours later, but a 10-hour VACUUM window still covers version 1.
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n) }), {
        properties: { 'delta.deletedFileRetentionDuration': 'interval 1 hours', 'delta.checkpointInterval': '1' },
      });
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(2n) }), { mode: 'overwrite' });
      await writeCheckpoint((await DeltaTable.open(dir)).store, 1, Date.now() + 2 * HOUR);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.equal(snapshot.tombstones().length, 0, 'the checkpoint dropped the expired tombstone');
      // Written long before: only the remove in commit 1 says a version in the window needs the file.
      const past = new Date(Date.now() - 20 * HOUR);
      for (const path of await dataFiles(dir)) await utimes(join(dir, path), past, past);
      const result = await vacuumTable(dir, { retentionHours: 10, dryRun: true, now: Date.now() + 2 * HOUR });
      assert.deepEqual(result.files, []);
    } finally {
      await cleanup();
    }
  });

  test('orphans go; hidden files, deletion vector files and files written inside the window stay', async () => {
    const { dir, cleanup } = await tempTableDir();
    try {
      await writeTable(dir, batchesOf({ id: BigInt64Array.of(1n, 2n, 3n, 4n) }), { properties: { 'delta.enableDeletionVectors': 'true' } });
      await deleteRows(dir, 'id = 2');
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.ok(snapshot.files()[0]?.deletionVector, 'the delete wrote a deletion vector');
      await orphan(dir, 'part-00000-orphan.c000.snappy.parquet');
      await orphan(dir, 'x=1/part-00001-orphan.parquet');
      await orphan(dir, '_change_data/cdc-00000-old.parquet');
      await orphan(dir, '.0b0c6a50-4a5e-4a7e-9a53-1f7f2f3c9d10.tmp');
      await orphan(dir, '_SUCCESS');
      await orphan(dir, '.hidden.crc');
      await orphan(dir, '_tmp/part-00002.parquet');
      await orphan(dir, 'part-00003-young.parquet', 0);
      const result = await vacuumTable(dir);
      assert.deepEqual(result.files, [
        '.0b0c6a50-4a5e-4a7e-9a53-1f7f2f3c9d10.tmp', '_change_data/cdc-00000-old.parquet', 'part-00000-orphan.c000.snappy.parquet', 'x=1/part-00001-orphan.parquet',
      ]);
      const left = await dataFiles(dir);
      for (const kept of ['_SUCCESS', '.hidden.crc', '_tmp/part-00002.parquet', 'part-00003-young.parquet']) assert.ok(left.includes(kept), kept);
      assert.ok(left.some((p) => p.includes('deletion_vector_')), 'the deletion vector file is kept');
      // Forced to zero: the DV'd file and its DV are active, so they stay and the rows read the same.
      await vacuumTable(dir, { retentionHours: 0, force: true });
      assert.ok((await dataFiles(dir)).some((p) => p.includes('deletion_vector_')));
      assert.deepEqual((await readRows(dir, 'id')).map((r) => r.id), [1n, 3n, 4n]);
      assert.ok((await stat(join(dir, '_SUCCESS'))).isFile());
    } finally {
      await cleanup();
    }
  });

  test('hidden names follow Spark: underscore and dot hidden, except _change_data, _delta_index and partition folders', () => {
    assert.equal(isHiddenFromVacuum('_delta_log', []), true);
    assert.equal(isHiddenFromVacuum('.part-0.parquet.crc', []), true);
    assert.equal(isHiddenFromVacuum('_change_data', []), false);
    assert.equal(isHiddenFromVacuum('_delta_index', []), false);
    assert.equal(isHiddenFromVacuum('_year=2024', ['_year']), false);
    assert.equal(isHiddenFromVacuum('_year=2024', ['year']), true);
    assert.equal(isHiddenFromVacuum('part-0.parquet', []), false);
  });
});
