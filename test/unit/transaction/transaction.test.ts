import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { ConcurrentModificationError } from '../../../src/delta/transaction/concurrentModificationError';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

test('createTable writes version 0 with a legacy protocol and a CREATE TABLE commitInfo', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table, version } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '5' } });
    assert.equal(version, 0);
    const snapshot = await table.snapshot();
    assert.deepEqual(snapshot.protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    assert.deepEqual(snapshot.partitionColumns, ['part']);
    assert.deepEqual(snapshot.schema, SCHEMA);
    assert.equal(snapshot.properties['delta.checkpointInterval'], '5');
    const lines = (await readFile(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
    const info = lines[0]?.commitInfo;
    assert.equal(info?.operation, 'CREATE TABLE');
    assert.deepEqual(info?.operationParameters, { isManaged: 'false', partitionBy: '["part"]', properties: '{"delta.checkpointInterval":"5"}' });
    assert.match(String(info?.engineInfo), /^Lakehouse-Studio\/\d+\.\d+\.\d+/);
    assert.deepEqual(Object.keys(lines[1] ?? {}), ['protocol']);
    assert.deepEqual(Object.keys(lines[2] ?? {}), ['metaData']);
  });
});

test('createTable refuses an existing table', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await createTable(dir, { schema: SCHEMA });
    await assert.rejects(createTable(dir, { schema: SCHEMA }), (e) => isDeltaError(e, 'DELTA_TABLE_EXISTS'));
  });
});

test('a commit adds files and records commitInfo with readVersion, isBlindAppend and metrics as strings', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'] });
    const tx = await Transaction.start(table);
    tx.add({ add: fakeAdd('f1') });
    const result = await tx.commit({ operation: 'WRITE', parameters: { mode: 'Append', partitionBy: ['part'] }, metrics: { numFiles: 1, numOutputRows: 10 } });
    assert.equal(result.version, 1);
    assert.equal(result.attempts, 1);
    const snapshot = await table.snapshot();
    assert.deepEqual(snapshot.files().map((f) => f.path), ['part=a/f1.parquet']);
    const info = result.actions[0]?.commitInfo;
    assert.equal(info?.readVersion, 0);
    assert.equal(info?.isBlindAppend, true);
    assert.deepEqual(info?.operationParameters, { mode: 'Append', partitionBy: '["part"]' });
    assert.deepEqual(info?.operationMetrics, { numFiles: '1', numOutputRows: '10' });
    await assert.rejects(tx.commit({ operation: 'WRITE' }), (e) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT'));
  });
});

test('two blind appends from the same snapshot both commit, the loser rebased to the next version', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'] });
    const first = await Transaction.start(table);
    const second = await Transaction.start(table);
    first.add({ add: fakeAdd('f1') });
    second.add({ add: fakeAdd('f2') });
    assert.equal((await first.commit({ operation: 'WRITE' })).version, 1);
    const result = await second.commit({ operation: 'WRITE' });
    assert.equal(result.version, 2);
    assert.equal(result.attempts, 2);
    assert.equal(result.actions[0]?.commitInfo?.readVersion, 0);
    assert.deepEqual((await table.snapshot()).files().map((f) => f.path).sort(), ['part=a/f1.parquet', 'part=a/f2.parquet']);
  });
});

test('removing a file another writer already removed is a conflict naming the winner', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'] });
    const setup = await Transaction.start(table);
    setup.add({ add: fakeAdd('f1') });
    await setup.commit({ operation: 'WRITE' });
    const a = await Transaction.start(table);
    const b = await Transaction.start(table);
    for (const tx of [a, b]) {
      const file = tx.snapshot?.files()[0];
      assert.ok(file);
      tx.readFiles([file]);
      tx.add({ remove: { path: file.path, deletionTimestamp: Date.now(), dataChange: true } });
    }
    await a.commit({ operation: 'DELETE' });
    await assert.rejects(b.commit({ operation: 'DELETE' }), (e) => {
      assert.ok(e instanceof ConcurrentModificationError);
      assert.equal(e.code, 'DELTA_CONCURRENT_MODIFICATION');
      assert.equal(e.kind, 'concurrentDeleteRead');
      assert.equal(e.winningVersion, 2);
      assert.match(e.message, /Version 2 \(DELETE\)/);
      return true;
    });
    assert.equal(await table.latestVersion(), 2);
  });
});

test('a concurrent append conflicts with a read predicate only when its stats may match', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'] });
    const run = async (winnerIds: [number, number]): Promise<unknown> => {
      const reader = await Transaction.start(table);
      reader.readPredicate(parsePredicate('id > 100', reader.schema));
      reader.add({ add: fakeAdd(`mine-${winnerIds[0]}`, 'a', [101, 110]) });
      const writer = await Transaction.start(table);
      writer.add({ add: fakeAdd(`theirs-${winnerIds[0]}`, 'a', winnerIds) });
      await writer.commit({ operation: 'WRITE', isBlindAppend: false });
      return reader.commit({ operation: 'UPDATE' }).then(() => undefined, (e: unknown) => e);
    };
    assert.equal(await run([0, 9]), undefined);
    const error = await run([95, 120]);
    assert.ok(error instanceof ConcurrentModificationError);
    assert.equal(error.kind, 'concurrentAppend');
  });
});

test('txn versions let an idempotent writer skip a batch it already committed', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA });
    const first = await Transaction.start(table, { appId: 'loader' });
    assert.equal(first.txnVersion('loader'), undefined);
    first.add({ add: fakeAdd('batch-0') });
    first.setTxn('loader', 0);
    await first.commit({ operation: 'STREAMING UPDATE' });
    const again = await Transaction.start(table, { appId: 'loader' });
    assert.equal(again.txnVersion('loader'), 0);
    assert.equal((await table.snapshot()).txnVersion('loader'), 0);
    // Two writers of the same appId racing: the loser must not rebase blindly.
    const a = await Transaction.start(table);
    const b = await Transaction.start(table);
    for (const tx of [a, b]) {
      tx.add({ add: fakeAdd(`batch-1-${tx === a ? 'a' : 'b'}`) });
      tx.setTxn('loader', 1);
    }
    await a.commit({ operation: 'STREAMING UPDATE' });
    await assert.rejects(b.commit({ operation: 'STREAMING UPDATE' }), (e) => e instanceof ConcurrentModificationError && e.kind === 'concurrentTransaction');
  });
});

test('an append-only table refuses removes that change data but allows compaction', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.appendOnly': 'true' } });
    assert.deepEqual((await table.snapshot()).protocol, { minReaderVersion: 1, minWriterVersion: 2 });
    const setup = await Transaction.start(table);
    setup.add({ add: fakeAdd('f1') });
    await setup.commit({ operation: 'WRITE' });
    const del = await Transaction.start(table);
    del.add({ remove: { path: 'part=a/f1.parquet', dataChange: true } });
    await assert.rejects(del.commit({ operation: 'DELETE' }), (e) => isDeltaError(e, 'DELTA_TABLE_APPEND_ONLY'));
    const optimize = await Transaction.start(table);
    optimize.add({ remove: { path: 'part=a/f1.parquet', dataChange: false } }, { add: { ...fakeAdd('f2'), dataChange: false } });
    assert.equal((await optimize.commit({ operation: 'OPTIMIZE' })).version, 2);
  });
});

test('a table with an unknown writer feature is refused before anything is staged', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    await createTable(dir, { schema: SCHEMA, properties: { 'delta.feature.domainMetadata': 'supported' } });
    const log = join(dir, '_delta_log', '00000000000000000001.json');
    await writeFile(log, `${JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['domainMetadata', 'futureThing'] } })}\n`);
    const table = await DeltaTable.open(dir);
    await assert.rejects(Transaction.start(table), (e) => isDeltaError(e, 'DELTA_UNSUPPORTED_WRITER_FEATURE') && /futureThing/.test((e as Error).message));
  });
});

test('in-commit timestamps are written first and increase strictly even when the clock goes back', async (t) => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.enableInCommitTimestamps': 'true' } });
    const v0 = await table.snapshot();
    assert.deepEqual(v0.protocol, { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp', 'invariants'] });
    const first = v0.timestamp;
    t.mock.timers.enable({ apis: ['Date'], now: first - 60_000 });
    const tx = await Transaction.start(table);
    tx.add({ add: fakeAdd('f1') });
    const result = await tx.commit({ operation: 'WRITE' });
    t.mock.timers.reset();
    const info = result.actions[0]?.commitInfo;
    assert.equal(Object.keys(info ?? {})[0], 'inCommitTimestamp');
    assert.equal(info?.inCommitTimestamp, first + 1);
    assert.equal((await table.snapshot()).timestamp, first + 1);
  });
});

test('enabling a feature through a metadata update upgrades the protocol and keeps the legacy features', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, properties: { 'delta.appendOnly': 'false' } });
    const tx = await Transaction.start(table);
    tx.updateMetadata({ ...tx.metadata, configuration: { ...tx.metadata.configuration, 'delta.enableDeletionVectors': 'true' } });
    const result = await tx.commit({ operation: 'SET TBLPROPERTIES' });
    assert.deepEqual(result.actions.map((a) => Object.keys(a)[0]), ['commitInfo', 'protocol', 'metaData']);
    assert.deepEqual((await table.snapshot()).protocol, {
      minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['appendOnly', 'deletionVectors', 'invariants'],
    });
  });
});
