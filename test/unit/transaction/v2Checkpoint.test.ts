import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Int64, Struct, Utf8 } from 'apache-arrow';
import { checkpointSchema } from '../../../src/delta/checkpoint/checkpointSchema';
import { cleanupExpiredLogs } from '../../../src/delta/checkpoint/logCleanup';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import { readCheckpointFile } from '../../../src/delta/checkpointReader';
import { commitPath, LAST_CHECKPOINT } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const DAY = 86_400_000;
const V2_NAME = /^_delta_log\/00000000000000000003\.checkpoint\.[0-9a-f-]{36}\.parquet$/;

/** Versions 0..4: three adds, a remove, a txn and a user domain; V2 checkpoint policy. */
async function buildTable(dir: string, properties: Record<string, string> = {}): Promise<DeltaTable> {
  const { table } = await createTable(dir, {
    schema: SCHEMA,
    partitionColumns: ['part'],
    properties: { 'delta.checkpointPolicy': 'v2', 'delta.feature.domainMetadata': 'supported', ...properties },
  });
  const commit = async (stage: (tx: Transaction) => void): Promise<void> => {
    const tx = await Transaction.start(table);
    stage(tx);
    await tx.commit({ operation: 'WRITE' });
  };
  await commit((tx) => {
    tx.add({ add: fakeAdd('f1', 'a') }, { add: fakeAdd('f2', 'b') });
    tx.setTxn('app-1', 7);
  });
  await commit((tx) => {
    tx.add({ remove: { path: 'part=a/f1.parquet', deletionTimestamp: Date.now(), dataChange: true, partitionValues: { part: 'a' }, size: 100 } });
    tx.add({ domainMetadata: { domain: 'my.domain', configuration: '{"x":1}', removed: false } });
  });
  await commit((tx) => tx.add({ add: fakeAdd('f3', 'a') }));
  await commit((tx) => tx.add({ add: fakeAdd('f4', 'b') }));
  return table;
}

async function state(dir: string): Promise<unknown> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot({ version: 3 });
  return {
    files: snapshot.files().map((f) => f.path).sort(),
    tombstones: snapshot.tombstones().map((r) => r.path),
    txn: snapshot.txnVersion('app-1'),
    domains: snapshot.domains(),
    protocol: snapshot.protocol,
  };
}

test('checkpointPolicy=v2 writes a UUID-named V2 checkpoint with checkpointMetadata that readers replay like the commits', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await buildTable(dir);
    const fromCommits = await state(dir);
    const info = await writeCheckpoint(table.store, 3);
    assert.equal(info.kind, 'v2');
    assert.match(info.path, V2_NAME);
    assert.equal(info.sidecars, 0);
    assert.equal(info.numOfAddFiles, 2);
    // checkpointMetadata, protocol, metaData, 1 txn, 1 domain, 2 adds, 1 tombstone
    assert.equal(info.size, 8);
    const top = await readCheckpointFile(table.store, info.path);
    assert.deepEqual(top[0]?.checkpointMetadata, { version: 3, tags: { numOfAddFiles: '2' } });
    assert.ok((await table.snapshot()).protocol.readerFeatures?.includes('v2Checkpoint'));
    const last = JSON.parse(await readFile(join(dir, LAST_CHECKPOINT), 'utf8')) as Record<string, unknown>;
    assert.deepEqual({ ...last, v2Checkpoint: { ...(last.v2Checkpoint as object), modificationTime: 0 } }, {
      version: 3, size: 8, sizeInBytes: info.sizeInBytes, numOfAddFiles: 2,
      v2Checkpoint: { path: info.path.slice('_delta_log/'.length), sizeInBytes: info.sizeInBytes, modificationTime: 0, sidecarFiles: [] },
    });
    for (let v = 0; v < 3; v++) await rm(join(dir, commitPath(v)));
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    assert.deepEqual(snapshot.segment.checkpoint?.paths, [info.path]);
    assert.equal(snapshot.fileCount, 3);
    assert.deepEqual(await state(dir), fromCommits);
  });
});

test('past sidecarActions file actions, a V2 checkpoint keeps them in _sidecars/ and readers follow the references', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await buildTable(dir);
    const fromCommits = await state(dir);
    const info = await writeCheckpoint(table.store, 3, Date.now(), { sidecarActions: 2 });
    // 2 adds + 1 tombstone in sidecars of at most 2 actions each
    assert.equal(info.sidecars, 2);
    assert.equal(info.size, 8);
    const top = await readCheckpointFile(table.store, info.path);
    assert.equal(top.filter((a) => a.add || a.remove).length, 0);
    const sidecars = top.flatMap((a) => (a.sidecar ? [a.sidecar.path] : []));
    assert.deepEqual(sidecars.sort(), (await readdir(join(dir, '_delta_log', '_sidecars'))).sort());
    assert.equal(top[0]?.checkpointMetadata?.tags?.sidecarNumActions, '3');
    const last = JSON.parse(await readFile(join(dir, LAST_CHECKPOINT), 'utf8')) as { v2Checkpoint: { sidecarFiles: { path: string }[] } };
    assert.deepEqual(last.v2Checkpoint.sidecarFiles.map((s) => s.path).sort(), sidecars.sort());
    for (let v = 0; v < 3; v++) await rm(join(dir, commitPath(v)));
    assert.deepEqual(await state(dir), fromCommits);
  });
});

test('delta.checkpointPolicy=classic keeps classic checkpoints on a v2Checkpoint table; the commit hook writes V2 by default', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await buildTable(dir, { 'delta.checkpointPolicy': 'classic', 'delta.feature.v2Checkpoint': 'supported' });
    const info = await writeCheckpoint(table.store, 3);
    assert.equal(info.kind, 'classic');
    assert.equal(info.path, '_delta_log/00000000000000000003.checkpoint.parquet');
  });
  await withTempDir('lakehouse-tx-', async (dir) => {
    await buildTable(dir, { 'delta.checkpointInterval': '3' });
    const names = await readdir(join(dir, '_delta_log'));
    assert.equal(names.filter((n) => V2_NAME.test(`_delta_log/${n}`)).length, 1);
    assert.equal(names.filter((n) => n.endsWith('.checkpoint.parquet')).length, 0);
  });
});

test('log cleanup deletes old unreferenced sidecars and keeps referenced or recent ones', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await buildTable(dir);
    await writeCheckpoint(table.store, 3, Date.now(), { sidecarActions: 2 });
    const sidecarDir = join(dir, '_delta_log', '_sidecars');
    const referenced = await readdir(sidecarDir);
    await writeFile(join(sidecarDir, 'orphan-old.parquet'), 'x');
    await writeFile(join(sidecarDir, 'orphan-new.parquet'), 'x');
    const old = new Date(Date.now() - 3 * DAY);
    for (const name of [...referenced, 'orphan-old.parquet']) await utimes(join(sidecarDir, name), old, old);
    const deleted = await cleanupExpiredLogs(table.store, {});
    assert.deepEqual(deleted, ['_delta_log/_sidecars/orphan-old.parquet']);
    assert.deepEqual((await readdir(sidecarDir)).sort(), [...referenced, 'orphan-new.parquet'].sort());
    assert.equal((await table.snapshot()).fileCount, 3);
  });
});

test('the checkpoint schema has the sidecar action of the V2 spec', () => {
  const sidecar = checkpointSchema(['sidecar']).fields[0]?.type;
  assert.ok(sidecar instanceof Struct);
  assert.deepEqual(sidecar.children.map((f) => [f.name, f.type.constructor.name]), [
    ['path', Utf8.name], ['sizeInBytes', Int64.name], ['modificationTime', Int64.name], ['tags', 'Map_'],
  ]);
});
