import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, AddFile, DeletionVectorDescriptor } from '../../../src/delta/actions';
import { changeSources } from '../../../src/delta/changes/changeSource';
import { tableChanges } from '../../../src/delta/changes/tableChanges';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { updateRows } from '../../../src/delta/write/updateRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { restoreTable } from '../../../src/ops/restore/restoreTable';
import { batchesOf, withTempTable } from '../write/helpers';
import { toPlainRows } from '../write/plainRows';

const CDF = { 'delta.enableChangeDataFeed': 'true' };

function rows(ids: number[], label = 'x'): ReturnType<typeof batchesOf> {
  return batchesOf({ id: BigInt64Array.from(ids.map(BigInt)), label: ids.map((id) => `${label}${id}`) });
}

/** The change rows as `version type id label`, sorted: what a reader of the feed sees. */
async function changeLines(dir: string, fromVersion: number, toVersion?: number): Promise<string[]> {
  const changes = await tableChanges(await DeltaTable.open(dir), { fromVersion, ...(toVersion === undefined ? {} : { toVersion }) });
  const lines: string[] = [];
  for await (const batch of changes.batches()) {
    for (const row of toPlainRows(batch)) lines.push(`${row._commit_version} ${row._change_type} ${row.id} ${row.label}`);
  }
  return lines.sort();
}

test('inserts from plain appends, pre- and post-images from change data files, nothing from OPTIMIZE', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1, 2]), { properties: CDF });
    await writeTable(dir, rows([3]));
    await updateRows(dir, { label: "'new'" }, { where: 'id = 2' });
    await runOptimize(dir);
    await deleteRows(dir, 'id = 1');
    assert.deepEqual(await changeLines(dir, 0), [
      '0 insert 1 x1', '0 insert 2 x2', '1 insert 3 x3',
      '2 update_postimage 2 new', '2 update_preimage 2 x2',
      '4 delete 1 x1',
    ]);
    assert.deepEqual(await changeLines(dir, 3, 3), [], 'OPTIMIZE rewrites files with dataChange=false: no change');
  });
});

test('columns: the table columns, then _change_type, _commit_version and _commit_timestamp (the history clock)', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]), { properties: CDF });
    const table = await DeltaTable.open(dir);
    const changes = await tableChanges(table, { fromVersion: 0 });
    assert.deepEqual(changes.schema.fields.map((f) => f.name), ['id', 'label', '_change_type', '_commit_version', '_commit_timestamp']);
    assert.equal(changes.toVersion, 0);
    const [row] = (await collect(changes.batches())).flatMap(toPlainRows);
    const [entry] = await table.history();
    assert.equal(row?._commit_timestamp, BigInt(entry?.timestamp ?? -1) * 1000n);
  });
});

test('an overwrite without change data files reads as deletes of the old rows and inserts of the new', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1, 2]), { properties: CDF });
    await writeTable(dir, rows([7], 'o'), { mode: 'overwrite' });
    assert.deepEqual(await changeLines(dir, 1), ['1 delete 1 x1', '1 delete 2 x2', '1 insert 7 o7']);
  });
});

test('a file re-added with another deletion vector changes only in the rows the vectors differ on', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([0, 1, 2, 3, 4, 5]), { properties: { ...CDF, 'delta.enableDeletionVectors': 'true' } });
    await deleteRows(dir, 'id < 2');
    await deleteRows(dir, 'id = 4');
    // RESTORE to version 1 removes the file under its {0,1,4} vector and adds it back under {0,1}.
    await restoreTable(dir, { version: 1 });
    assert.deepEqual(await changeLines(dir, 3), ['3 insert 4 x4']);
    assert.deepEqual(await changeLines(dir, 1, 2), ['1 delete 0 x0', '1 delete 1 x1', '2 delete 4 x4']);
  });
});

test('ranges where change data was not recorded are refused, naming the version', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]));
    await writeTable(dir, rows([2]));
    const tx = await Transaction.start(await DeltaTable.open(dir));
    tx.updateMetadata({ ...tx.metadata, configuration: { ...tx.properties, ...CDF } });
    await tx.commit({ operation: 'SET TBLPROPERTIES', parameters: { properties: CDF } });
    await writeTable(dir, rows([3]));
    const refused = await tableChanges(await DeltaTable.open(dir), { fromVersion: 1 }).then(() => undefined, (e: unknown) => e);
    assert.ok(isDeltaError(refused, 'DELTA_CHANGE_DATA_NOT_RECORDED'), String(refused));
    assert.match(refused.message, /not recorded at version 1\b/);
    assert.deepEqual(await changeLines(dir, 2), ['3 insert 3 x3'], 'from the enabling version on, changes are read');
  });
});

test('bad ranges: start after end or after the latest version; an end past the latest reads to the latest (as Spark)', async () => {
  await withTempTable(async (dir) => {
    await writeTable(dir, rows([1]), { properties: CDF });
    await writeTable(dir, rows([2]));
    const table = await DeltaTable.open(dir);
    await assert.rejects(tableChanges(table, { fromVersion: 1, toVersion: 0 }), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /end cannot be before the start/.test(e.message));
    await assert.rejects(tableChanges(table, { fromVersion: 2 }), (e: unknown) => isDeltaError(e, 'DELTA_CDC_START_VERSION_AFTER_LATEST')
      && e.message.startsWith('Start version 2 for change data feed exceeds the latest table version 1.'));
    assert.equal((await tableChanges(table, { fromVersion: 0, toVersion: 5 })).toVersion, 1);
    await assert.rejects(tableChanges(table, { fromVersion: -1 }), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
  });
});

const add = (path: string, dataChange = true, deletionVector?: DeletionVectorDescriptor): AddFile => ({
  path, partitionValues: {}, size: 1, modificationTime: 0, dataChange, ...(deletionVector ? { deletionVector } : {}),
});
const dv = (id: string): DeletionVectorDescriptor => ({ storageType: 'u', pathOrInlineDv: id, sizeInBytes: 1, cardinality: 1 });

test('changeSources: cdc files replace the commit\'s adds and removes; dataChange=false is no change', () => {
  const cdc = { path: '_change_data/c.parquet', partitionValues: {}, size: 1, dataChange: false };
  const withCdc: Action[] = [{ add: add('a.parquet') }, { remove: { path: 'b.parquet', dataChange: true } }, { cdc }];
  assert.deepEqual(changeSources(withCdc), [{ kind: 'cdc', file: cdc }]);
  const compaction: Action[] = [{ add: add('a.parquet', false) }, { remove: { path: 'b.parquet', dataChange: false } }];
  assert.deepEqual(changeSources(compaction), []);
});

test('changeSources: the same path removed and added pairs the two deletion vectors', () => {
  const actions: Action[] = [
    { remove: { path: 'f.parquet', dataChange: true, partitionValues: {}, deletionVector: dv('old') } },
    { add: add('f.parquet', true, dv('new')) },
    { add: add('g.parquet') },
  ];
  assert.deepEqual(changeSources(actions), [
    { kind: 'data', changeType: 'insert', path: 'f.parquet', partitionValues: {}, liveUnder: dv('new'), exceptLiveUnder: dv('old') },
    { kind: 'data', changeType: 'insert', path: 'g.parquet', partitionValues: {}, liveUnder: null },
    { kind: 'data', changeType: 'delete', path: 'f.parquet', partitionValues: {}, liveUnder: dv('old'), exceptLiveUnder: dv('new') },
  ]);
});

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}
