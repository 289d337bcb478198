import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import type { AddFile } from '../../../src/delta/actions';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { readCommitInfo } from '../../../src/delta/commitTimestamps';
import { commitPath } from '../../../src/delta/logFiles';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import {
  MATERIALIZED_ROW_COMMIT_VERSION_KEY, MATERIALIZED_ROW_ID_KEY, materializedRowColumns, ROW_TRACKING_DOMAIN,
} from '../../../src/delta/transaction/rowTracking';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { applyKeyedChanges } from '../../../src/ops/ingest/applyKeyedChanges';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { parquetLayout } from '../../../src/parquet/readParquet';
import { readRows } from '../write/helpers';
import { fakeAdd, SCHEMA } from './fixtures';
import { stableRowIds } from './rowTrackingIds';
import { withTempDir } from '../../helpers/withTempDir';

const TRACKED = { 'delta.enableRowTracking': 'true' };

const ids = (...values: bigint[]): ReturnType<typeof tableFromArrays>['batches'] => tableFromArrays({ id: BigInt64Array.from(values) }).batches;
const idsAndValues = (...values: bigint[]): ReturnType<typeof tableFromArrays>['batches'] =>
  tableFromArrays({ id: BigInt64Array.from(values), v: Float64Array.from(values.map(Number)) }).batches;

/** The top-level column names stored in a data file (hidden ones included). */
async function parquetColumns(dir: string, path: string): Promise<string[]> {
  return parquetLayout(new Uint8Array(await readFile(join(dir, decodeURIComponent(path))))).columns;
}

async function append(table: DeltaTable, ...adds: AddFile[]): Promise<number> {
  const tx = await Transaction.start(table);
  tx.add(...adds.map((add) => ({ add })));
  return (await tx.commit({ operation: 'WRITE' })).version;
}

async function rowIds(table: DeltaTable): Promise<[string, number | null | undefined, number | null | undefined][]> {
  const snapshot = await table.snapshot();
  return snapshot.files().map((f): [string, number | null | undefined, number | null | undefined] => [f.path, f.baseRowId, f.defaultRowCommitVersion])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

async function highWaterMark(table: DeltaTable): Promise<unknown> {
  const domain = (await table.snapshot()).domainMetadata(ROW_TRACKING_DOMAIN);
  return domain ? JSON.parse(domain.configuration) : undefined;
}

test('a row-tracking table gets the features and materialized column names; commits assign ids above the high water mark', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: TRACKED });
    const snapshot = await table.snapshot();
    assert.deepEqual(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata', 'invariants', 'rowTracking'] });
    assert.match(snapshot.properties[MATERIALIZED_ROW_ID_KEY] ?? '', /^_row-id-col-[0-9a-f-]{36}$/);
    assert.match(snapshot.properties[MATERIALIZED_ROW_COMMIT_VERSION_KEY] ?? '', /^_row-commit-version-col-[0-9a-f-]{36}$/);
    // fakeAdd files hold 10 rows (ids 0..9), f2 holds 5.
    await append(table, fakeAdd('f1'), fakeAdd('f2', 'a', [0, 4]));
    await append(table, fakeAdd('f3'));
    assert.deepEqual(await rowIds(table), [['part=a/f1.parquet', 0, 1], ['part=a/f2.parquet', 10, 1], ['part=a/f3.parquet', 15, 2]]);
    assert.deepEqual(await highWaterMark(table), { rowIdHighWaterMark: 24 });
    // A checkpoint carries the row tracking fields and the domain.
    await writeCheckpoint(table.store, 2);
    const reopened = await DeltaTable.open(dir);
    assert.equal((await reopened.snapshot()).segment.checkpoint?.version, 2);
    assert.deepEqual(await rowIds(reopened), await rowIds(table));
    assert.deepEqual(await highWaterMark(reopened), { rowIdHighWaterMark: 24 });
  });
});

test('a commit that lost the race re-assigns its ids above the winner\'s mark and at its new version', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: TRACKED });
    const first = await Transaction.start(table);
    const second = await Transaction.start(table);
    first.add({ add: fakeAdd('f1') });
    second.add({ add: fakeAdd('f2', 'a', [0, 2]) });
    assert.equal((await first.commit({ operation: 'WRITE' })).version, 1);
    const result = await second.commit({ operation: 'WRITE' });
    assert.deepEqual([result.version, result.attempts], [2, 2]);
    assert.deepEqual(await rowIds(table), [['part=a/f1.parquet', 0, 1], ['part=a/f2.parquet', 10, 2]]);
    assert.deepEqual(await highWaterMark(table), { rowIdHighWaterMark: 12 });
  });
});

test('the feature alone (supported, not enabled) assigns ids; suspended tables do not', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.feature.rowTracking': 'supported' } });
    assert.deepEqual((await table.snapshot()).protocol.writerFeatures, ['domainMetadata', 'invariants', 'rowTracking']);
    await append(table, fakeAdd('f1'));
    assert.deepEqual(await rowIds(table), [['part=a/f1.parquet', 0, 1]]);
  });
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.feature.rowTracking': 'supported', 'delta.rowTrackingSuspended': 'true' } });
    await append(table, fakeAdd('f1'));
    assert.deepEqual(await rowIds(table), [['part=a/f1.parquet', undefined, undefined]]);
    assert.equal(await highWaterMark(table), undefined);
  });
});

test('a deletion-vector DELETE keeps row ids and re-adds the file with its baseRowId', async () => {
  const data = (): ReturnType<typeof tableFromArrays>['batches'] => tableFromArrays({ id: BigInt64Array.of(1n, 2n, 3n, 4n) }).batches;
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, data(), { properties: { ...TRACKED, 'delta.enableDeletionVectors': 'true' } });
    const table = await DeltaTable.open(dir);
    const before = await rowIds(table);
    assert.equal(before[0]?.[1], 0);
    await deleteRows(dir, 'id = 2');
    const after = await (await DeltaTable.open(dir)).snapshot();
    assert.equal(after.files()[0]?.deletionVector?.cardinality, 1);
    assert.deepEqual(await rowIds(table), before);
    assert.deepEqual(await highWaterMark(table), { rowIdHighWaterMark: 3 });
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [3n, 2n, 0n], [4n, 3n, 0n]]);
  });
});

test('a copy-on-write DELETE writes the surviving rows with their materialized row ids and commit versions; change data files and scans show none', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, ids(0n, 1n, 2n, 3n), { properties: { ...TRACKED, 'delta.enableChangeDataFeed': 'true' } });
    await writeTable(dir, ids(4n, 5n));
    const before = await stableRowIds(dir, 'id');
    assert.deepEqual(before, [[0n, 0n, 0n], [1n, 1n, 0n], [2n, 2n, 0n], [3n, 3n, 0n], [4n, 4n, 1n], [5n, 5n, 1n]]);
    const deleted = await deleteRows(dir, 'id = 1');
    assert.deepEqual([deleted.version, deleted.rowsRemoved], [2, 1]);
    assert.deepEqual(await stableRowIds(dir, 'id'), before.filter((row) => row[0] !== 1n));
    const table = await DeltaTable.open(dir);
    const snapshot = await table.snapshot();
    // The new file still gets fresh ids (for all its rows, as Spark assigns them), above the mark.
    const rewritten = snapshot.files().find((f) => f.defaultRowCommitVersion === 2);
    assert.deepEqual([rewritten?.baseRowId, await highWaterMark(table)], [6, { rowIdHighWaterMark: 8 }]);
    const columns = materializedRowColumns(snapshot.metadata);
    assert.deepEqual(await parquetColumns(dir, rewritten?.path ?? ''), ['id', columns?.rowId, columns?.rowCommitVersion]);
    const cdc = (await readdir(join(dir, '_change_data'))).filter((name) => name.endsWith('.parquet'));
    assert.equal(cdc.length, 1);
    assert.deepEqual(await parquetColumns(dir, `_change_data/${cdc[0]}`), ['id', '_change_type']);
    // Scans show table columns only.
    assert.deepEqual(await readRows(dir, 'id'), [{ id: 0n }, { id: 2n }, { id: 3n }, { id: 4n }, { id: 5n }]);
  });
});

test('enabling row tracking on a table whose files have no row ids is refused; staging the domain by hand too', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA });
    await append(table, fakeAdd('f1'));
    const tx = await Transaction.start(table);
    tx.updateMetadata({ ...tx.metadata, configuration: { ...tx.metadata.configuration, ...TRACKED } });
    await assert.rejects(tx.commit({ operation: 'SET TBLPROPERTIES' }), (error: unknown) => isDeltaError(error, 'DELTA_FEATURE_NOT_ENABLED'));
    assert.equal((await table.snapshot()).version, 1);
  });
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: TRACKED });
    const tx = await Transaction.start(table);
    tx.add({ domainMetadata: { domain: ROW_TRACKING_DOMAIN, configuration: '{"rowIdHighWaterMark":-5}', removed: false } });
    await assert.rejects(tx.commit({ operation: 'WRITE' }), (error: unknown) => isDeltaError(error, 'DELTA_INVALID_ARGUMENT'));
  });
});

test('UPDATE and MERGE keep the row ids of updated rows with a new commit version; copied and compacted rows keep both', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties: TRACKED });
    await writeTable(dir, idsAndValues(4n, 5n));
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 0n], [3n, 2n, 0n], [4n, 3n, 1n], [5n, 4n, 1n]]);
    assert.equal((await updateRows(dir, { v: '10' }, { where: 'id = 2' })).version, 2);
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 2n], [3n, 2n, 0n], [4n, 3n, 1n], [5n, 4n, 1n]]);
    // Now the rows come from a file with materialized values: id 3 keeps its id, id 2 its version 2.
    assert.equal((await updateRows(dir, { v: '20' }, { where: 'id = 3' })).version, 3);
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 2n], [3n, 2n, 3n], [4n, 3n, 1n], [5n, 4n, 1n]]);
    const markBeforeMerge = Number((await highWaterMark(await DeltaTable.open(dir)) as { rowIdHighWaterMark: number }).rowIdHighWaterMark);
    const merged = await mergeRows(dir, idsAndValues(4n, 9n), { key: ['id'] });
    assert.deepEqual([merged.version, merged.rowsUpdated, merged.rowsInserted], [4, 1, 1]);
    const afterMerge = await stableRowIds(dir, 'id');
    assert.deepEqual(afterMerge.slice(0, 5), [[1n, 0n, 0n], [2n, 1n, 2n], [3n, 2n, 3n], [4n, 3n, 4n], [5n, 4n, 1n]]);
    // The inserted row has a fresh id above the mark the MERGE started from, and the MERGE's version.
    const inserted = afterMerge[5];
    assert.equal(inserted?.[0], 9n);
    assert.ok(Number(inserted?.[1]) > markBeforeMerge, `fresh id ${String(inserted?.[1])} above ${markBeforeMerge}`);
    assert.equal(inserted?.[2], 4n);
    assert.deepEqual((await readRows(dir, 'id')).map((r) => [r.id, r.v]), [[1n, 1], [2n, 10], [3n, 20], [4n, 4], [5n, 5], [9n, 9]]);

    const optimized = await runOptimize(dir);
    assert.equal(optimized.filesAdded, 1);
    assert.deepEqual(await stableRowIds(dir, 'id'), afterMerge);
    // Z-ordering by v rewrites the file again, in v order: the ids follow the rows.
    const zOrdered = await runOptimize(dir, { zOrderBy: ['v'] });
    assert.equal(zOrdered.filesAdded, 1);
    assert.deepEqual(await stableRowIds(dir, 'id'), afterMerge);
  });
});

test('a deletion-vector UPDATE moves the updated row with its id; replaceWhere copies the other rows of a file with theirs', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties: { ...TRACKED, 'delta.enableDeletionVectors': 'true' } });
    await updateRows(dir, { v: '7' }, { where: 'id = 2' });
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 1n], [3n, 2n, 0n]]);
  });
  const batch = (values: bigint[], parts: string[]): ReturnType<typeof tableFromArrays>['batches'] =>
    tableFromArrays({ id: BigInt64Array.from(values), p: parts }).batches;
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, batch([1n, 2n, 3n], ['a', 'a', 'b']), { properties: TRACKED, partitionBy: ['p'] });
    // id 2 shares a file with id 1: replacing id 1 copies it, with its id; the new id 1 is a new row.
    const replaced = await writeTable(dir, batch([1n], ['a']), { mode: 'overwrite', replaceWhere: 'id = 1' });
    assert.equal(replaced.version, 1);
    const rows = await stableRowIds(dir, 'id');
    assert.deepEqual(rows.slice(1), [[2n, 1n, 0n], [3n, 2n, 0n]]);
    assert.equal(rows[0]?.[2], 1n);
    assert.ok(Number(rows[0]?.[1]) > 2, 'the new row has a fresh id');
  });
});

test('keyed ingest keeps the row id of an upserted existing key with the commit\'s version, as a Spark MERGE; new keys get fresh ids', async () => {
  // Copy-on-write with a widened schema (copied rows are conformed), and deletion vectors.
  for (const properties of [TRACKED, { ...TRACKED, 'delta.enableDeletionVectors': 'true' }]) {
    await withTempDir('lakehouse-tx-', async (dir) => {
      await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties });
      await writeTable(dir, idsAndValues(4n));
      const upsert = tableFromArrays({ id: BigInt64Array.of(2n, 4n, 7n), v: Float64Array.of(20, 40, 70), w: ['two', 'four', 'seven'] }).batches;
      const deletes = tableFromArrays({ id: BigInt64Array.of(3n) }).batches;
      const applied = await applyKeyedChanges(dir, { upserts: upsert, deletes }, { key: ['id'], txn: { appId: 'feed', version: 1 }, operation: 'MERGE' });
      assert.deepEqual([applied.version, applied.rowsUpserted, applied.rowsDeleted], [2, 3, 3]);
      const rows = await stableRowIds(dir, 'id');
      assert.deepEqual(rows.slice(0, 3), [[1n, 0n, 0n], [2n, 1n, 2n], [4n, 3n, 2n]], JSON.stringify(properties));
      assert.deepEqual([rows[3]?.[0], rows[3]?.[2]], [7n, 2n]);
      assert.ok(Number(rows[3]?.[1]) > 3, 'the new key has a fresh id');
      assert.deepEqual((await readRows(dir, 'id')).map((r) => [r.id, r.v, r.w]), [[1n, 1, null], [2n, 20, 'two'], [4n, 40, 'four'], [7n, 70, 'seven']]);
      // A second upsert of the same key keeps the id again, now read from the materialized column.
      await applyKeyedChanges(dir, { upserts: tableFromArrays({ id: BigInt64Array.of(2n), v: Float64Array.of(200), w: ['again'] }).batches, deletes: [] },
        { key: ['id'], txn: { appId: 'feed', version: 2 }, operation: 'MERGE' });
      assert.deepEqual((await stableRowIds(dir, 'id'))[1], [2n, 1n, 3n]);
    });
  }
});

test('appends and overwrites write no materialized columns; copy-on-write rewrites do, replaceWhere in files of their own', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties: TRACKED });
    await writeTable(dir, idsAndValues(4n));
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    const columns = materializedRowColumns(snapshot.metadata);
    for (const file of snapshot.files()) assert.deepEqual(await parquetColumns(dir, file.path), ['id', 'v'], file.path);
    // Readers fall back to baseRowId + row index and defaultRowCommitVersion.
    assert.deepEqual(await stableRowIds(dir, 'id'), [[1n, 0n, 0n], [2n, 1n, 0n], [3n, 2n, 0n], [4n, 3n, 1n]]);

    await writeTable(dir, idsAndValues(2n), { mode: 'overwrite', replaceWhere: 'id = 2' });
    const after = await (await DeltaTable.open(dir)).snapshot();
    const added = after.files().filter((f) => f.defaultRowCommitVersion === 2);
    const layouts = await Promise.all(added.map(async (f) => [(JSON.parse(f.stats ?? '{}') as { numRecords: number }).numRecords, await parquetColumns(dir, f.path)]));
    // The new row 2 alone in a plain file; rows 1 and 3, copied out of the first file, with their ids.
    assert.deepEqual(layouts.sort((a, b) => Number(a[0]) - Number(b[0])), [[1, ['id', 'v']], [2, ['id', 'v', columns?.rowId, columns?.rowCommitVersion]]]);
    const rows = await stableRowIds(dir, 'id');
    assert.deepEqual([rows[0], rows[2], rows[3]], [[1n, 0n, 0n], [3n, 2n, 0n], [4n, 3n, 1n]]);
    assert.deepEqual([rows[1]?.[0], rows[1]?.[2]], [2n, 2n]);
    assert.ok(Number(rows[1]?.[1]) > 3, 'the replacing row has a fresh id');

    await writeTable(dir, idsAndValues(7n), { mode: 'overwrite' });
    const overwritten = (await (await DeltaTable.open(dir)).snapshot()).files();
    assert.deepEqual(await parquetColumns(dir, overwritten[0]?.path ?? ''), ['id', 'v']);
  });
});

test('DELETE, UPDATE, MERGE, OPTIMIZE and keyed ingest tag their commits delta.rowTracking.preserved as Spark does; writes and untracked tables do not', async () => {
  const tagsOf = async (dir: string): Promise<Array<[unknown, unknown]>> => {
    const table = await DeltaTable.open(dir);
    const out: Array<[unknown, unknown]> = [];
    for (let v = 0; v <= await table.latestVersion(); v++) {
      const info = await readCommitInfo(table.store, commitPath(v));
      out.push([info?.operation, info?.tags]);
    }
    return out;
  };
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n, 3n), { properties: TRACKED });
    await writeTable(dir, idsAndValues(2n), { mode: 'overwrite', replaceWhere: 'id = 2' });
    await deleteRows(dir, 'id = 1');
    await updateRows(dir, { v: '30' }, { where: 'id = 3' });
    await mergeRows(dir, idsAndValues(3n, 4n), { key: ['id'] });
    await runOptimize(dir);
    await applyKeyedChanges(dir, { upserts: idsAndValues(4n), deletes: [] }, { key: ['id'], txn: { appId: 'feed', version: 1 }, operation: 'MERGE' });
    const preserved = { 'delta.rowTracking.preserved': 'true' };
    assert.deepEqual(await tagsOf(dir), [
      ['WRITE', undefined], ['WRITE', undefined], ['DELETE', preserved], ['UPDATE', preserved],
      ['MERGE', preserved], ['OPTIMIZE', preserved], ['MERGE', preserved],
    ]);
  });
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, idsAndValues(1n, 2n));
    await deleteRows(dir, 'id = 1');
    const [, deleted] = await tagsOf(dir);
    assert.deepEqual(deleted, ['DELETE', undefined]);
  });
});
