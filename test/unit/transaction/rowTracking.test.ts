import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromArrays } from 'apache-arrow';
import type { AddFile } from '../../../src/delta/actions';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import {
  MATERIALIZED_ROW_COMMIT_VERSION_KEY, MATERIALIZED_ROW_ID_KEY, ROW_TRACKING_DOMAIN,
} from '../../../src/delta/transaction/rowTracking';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const TRACKED = { 'delta.enableRowTracking': 'true' };

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

test('a deletion-vector DELETE keeps row ids; a copy-on-write DELETE is refused and leaves the table unchanged', async () => {
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
  });
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, data(), { properties: TRACKED });
    await assert.rejects(deleteRows(dir, 'id = 2'), (error: unknown) => isDeltaError(error, 'DELTA_UNSUPPORTED_WRITER_FEATURE') && /row tracking/.test(error.message));
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    assert.equal(snapshot.version, 0);
    // Deleting whole files copies no row: allowed.
    assert.equal((await deleteRows(dir, 'id > 0')).rowsRemoved, 4);
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

test('UPDATE, an updating MERGE and OPTIMIZE are refused on a row-tracking table; an insert-only MERGE gets fresh ids', async () => {
  const batch = (...values: bigint[]): ReturnType<typeof tableFromArrays>['batches'] =>
    tableFromArrays({ id: BigInt64Array.from(values), v: Float64Array.from(values.map(Number)) }).batches;
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, batch(1n, 2n), { properties: TRACKED });
    await writeTable(dir, batch(3n));
    const table = await DeltaTable.open(dir);
    const refused = (error: unknown): boolean => isDeltaError(error, 'DELTA_UNSUPPORTED_WRITER_FEATURE') && /preserve row ids/.test(error.message);
    await assert.rejects(updateRows(dir, { v: '0' }, { where: 'id = 1' }), refused);
    await assert.rejects(mergeRows(dir, batch(2n), { key: ['id'] }), refused);
    await assert.rejects(runOptimize(dir), refused);
    assert.equal((await table.snapshot()).version, 1);
    const merged = await mergeRows(dir, batch(7n, 8n), { key: ['id'] });
    assert.equal(merged.rowsInserted, 2);
    assert.deepEqual((await rowIds(table)).map((r) => [r[1], r[2]]).sort((a, b) => Number(a[0]) - Number(b[0])), [[0, 0], [2, 1], [3, 2]]);
    assert.deepEqual(await highWaterMark(table), { rowIdHighWaterMark: 4 });
  });
});

test('replaceWhere on a row-tracking table: replacing whole files is allowed, copying the other rows of a file is refused', async () => {
  const batch = (ids: bigint[], parts: string[]): ReturnType<typeof tableFromArrays>['batches'] =>
    tableFromArrays({ id: BigInt64Array.from(ids), p: parts }).batches;
  await withTempDir('lakehouse-tx-', async (dir) => {
    await writeTable(dir, batch([1n, 2n, 3n], ['a', 'a', 'b']), { properties: TRACKED, partitionBy: ['p'] });
    // id 2 shares a file with id 1: replacing id 1 would copy it.
    await assert.rejects(writeTable(dir, batch([1n], ['a']), { mode: 'overwrite', replaceWhere: 'id = 1' }), (error: unknown) =>
      isDeltaError(error, 'DELTA_UNSUPPORTED_WRITER_FEATURE') && /WRITE would rewrite existing rows/.test(error.message));
    const replaced = await writeTable(dir, batch([4n], ['a']), { mode: 'overwrite', replaceWhere: "p = 'a'" });
    assert.equal(replaced.version, 1);
    const table = await DeltaTable.open(dir);
    assert.equal((await table.snapshot()).version, 1);
    assert.deepEqual(await highWaterMark(table), { rowIdHighWaterMark: 3 });
  });
});
