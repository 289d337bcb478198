import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { applyKeyedChanges, type AppliedChanges } from '../../../src/ops/ingest/applyKeyedChanges';
import { FileKeyCache } from '../../../src/ops/ingest/fileKeyCache';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { batchesOf, readRows, withTempTable } from '../write/helpers';

const ROWS = 40_000;
const DV = { 'delta.enableDeletionVectors': 'true' };

/** One keyed apply as cdc makes it: upserts (id, v) and deletes (id), through the shared key cache. */
function apply(dir: string, cache: FileKeyCache, version: number, upserts: Array<[number, number]>, deletes: number[]): Promise<AppliedChanges> {
  return applyKeyedChanges(dir, {
    upserts: upserts.length > 0 ? batchesOf({ id: BigInt64Array.from(upserts, ([id]) => BigInt(id)), v: Float64Array.from(upserts, ([, v]) => v) }) : [],
    deletes: deletes.length > 0 ? batchesOf({ id: BigInt64Array.from(deletes, (id) => BigInt(id)) }) : [],
  }, { key: ['id'], txn: { appId: 'cdc-test', version }, operation: 'MERGE', keyCache: cache });
}

/** id -> v of the latest version; fails on a duplicate key. */
async function contents(dir: string): Promise<Map<number, number>> {
  const rows = await readRows(dir, 'id');
  const byId = new Map<number, number>();
  for (const row of rows) {
    const id = Number(row.id as bigint);
    assert.ok(!byId.has(id), `key ${id} is in the table twice`);
    byId.set(id, row.v as number);
  }
  return byId;
}

test('keyed applies through a key cache stay exact when another writer changes the table between them', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, batchesOf({ id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)), v: new Float64Array(ROWS) }), { properties: DV });
    const expected = new Map<number, number>(Array.from({ length: ROWS }, (_, i): [number, number] => [i, 0]));
    const cache = new FileKeyCache();

    const first = await apply(dir, cache, 1, [[5, 1], [10, 1], [20, 1], [ROWS + 1, 1]], [7]);
    for (const [id, v] of [[5, 1], [10, 1], [20, 1], [ROWS + 1, 1]] as const) expected.set(id, v);
    expected.delete(7);
    assert.equal(first.rowsDeleted, 4, 'three updated rows and one deleted row left the big file');
    assert.equal(first.timings.filesRead, 1, 'the big file was read once');
    assert.ok(cache.size >= 1);
    assert.deepEqual(await contents(dir), expected);

    // Another writer, between two cdc batches: a deletion vector of its own on the cached file,
    // an UPDATE that moves a row into a new file, and an append.
    await deleteRows(dir, 'id = 10 OR id = 15');
    expected.delete(10);
    expected.delete(15);
    await updateRows(dir, { v: '2' }, { where: 'id = 30' });
    expected.set(30, 2);
    await writeTable(dir, batchesOf({ id: BigInt64Array.of(BigInt(ROWS + 2)), v: Float64Array.of(2) }), { mode: 'append' });
    expected.set(ROWS + 2, 2);

    // Each of these keys now lives where the other writer put it (or nowhere): none may be missed,
    // and the big file's new deletion vector must keep the other writer's deletions (15).
    const second = await apply(dir, cache, 2, [[10, 3], [30, 3], [ROWS + 2, 3], [20, 3], [100, 3]], [5, ROWS + 1]);
    for (const [id, v] of [[10, 3], [30, 3], [ROWS + 2, 3], [20, 3], [100, 3]] as const) expected.set(id, v);
    expected.delete(5);
    expected.delete(ROWS + 1);
    assert.deepEqual(await contents(dir), expected);
    assert.ok(second.timings.filesRead < second.timings.candidateFiles, `the big file's keys came from the cache (${second.timings.filesRead} of ${second.timings.candidateFiles} files read)`);

    // A compaction by another writer gives every row a new file (and drops the deletion vectors).
    await runOptimize(dir, { targetFileSize: 64 * 1024 * 1024, deletedRowsThreshold: 0 });
    const files = (await (await DeltaTable.open(dir)).snapshot()).files();
    assert.ok(files.every((f) => !f.deletionVector), 'the compaction purged the deletion vectors');
    const third = await apply(dir, cache, 3, [[30, 4], [ROWS + 2, 4], [11, 4]], [12]);
    for (const [id, v] of [[30, 4], [ROWS + 2, 4], [11, 4]] as const) expected.set(id, v);
    expected.delete(12);
    assert.equal(third.rowsDeleted, 4);
    assert.deepEqual(await contents(dir), expected);

    // A replay of an applied position changes nothing.
    const replay = await apply(dir, cache, 3, [[30, 9]], []);
    assert.equal(replay.version, undefined);
    assert.deepEqual(await contents(dir), expected);
  });
});

test('small files with changed rows are folded into one commit copy-on-write, so files do not pile up', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, batchesOf({ id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)), v: new Float64Array(ROWS) }), { properties: DV });
    const cache = new FileKeyCache();
    const expected = new Map<number, number>(Array.from({ length: ROWS }, (_, i): [number, number] => [i, 0]));
    let nextId = ROWS;
    let copied = 0;
    let mostFiles = 0;
    for (let round = 1; round <= 16; round++) {
      // Every round updates a row of every earlier round's insert file and of the big file.
      const updates: Array<[number, number]> = [[round * 7, round]];
      for (let earlier = ROWS; earlier < nextId; earlier += 100) updates.push([earlier + (round % 100), round]);
      const inserts = Array.from({ length: 100 }, (_, i): [number, number] => [nextId + i, round]);
      nextId += 100;
      const applied = await apply(dir, cache, round, [...updates, ...inserts], []);
      assert.ok(applied.version !== undefined);
      copied += applied.timings.copiedRows;
      for (const [id, v] of [...updates, ...inserts]) expected.set(id, v);
      mostFiles = Math.max(mostFiles, (await (await DeltaTable.open(dir)).snapshot()).files().length);
    }
    assert.deepEqual(await contents(dir), expected);
    // The big file, and at most 4 small ones (the 4th folds them all at the next commit) plus the newest.
    assert.ok(mostFiles <= 6, `at most 6 files at any version, not ${mostFiles}`);
    assert.ok(copied > 0 && copied < 16 * 100 * 2, `rows are copied about once (${copied} copies of 1,600 inserted rows)`);
    const files = (await (await DeltaTable.open(dir)).snapshot()).files();
    const big = files.find((f) => (JSON.parse(f.stats ?? '{}') as { numRecords?: number }).numRecords === ROWS);
    assert.ok(big?.deletionVector, 'the big file kept its rows and got a deletion vector');
  });
});

test('an insert-only stream (no change touches an earlier file) folds its small files too', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, batchesOf({ id: BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(i)), v: new Float64Array(1000) }), { properties: DV });
    const cache = new FileKeyCache();
    let mostFiles = 0;
    for (let round = 1; round <= 20; round++) {
      const inserts = Array.from({ length: 50 }, (_, i): [number, number] => [1000 * round + i, round]);
      await apply(dir, cache, round, inserts, []);
      mostFiles = Math.max(mostFiles, (await (await DeltaTable.open(dir)).snapshot()).files().length);
    }
    const rows = await contents(dir);
    assert.equal(rows.size, 1000 + 20 * 50);
    assert.equal(rows.get(20_049), 20);
    assert.ok(mostFiles <= 9, `small files fold once 8 gather: at most 9 files at any version, not ${mostFiles}`);
  });
});
