import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { classicCheckpointPath, LAST_CHECKPOINT } from '../../../src/delta/logFiles';
import type { Snapshot } from '../../../src/delta/snapshot';
import type { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

/** Commits versions 1..4 of a table with interval 3: adds, a remove, txns, a domain, a DV-less file tag. */
async function buildTable(dir: string): Promise<DeltaTable> {
  const { table } = await createTable(dir, {
    schema: SCHEMA,
    partitionColumns: ['part'],
    properties: { 'delta.checkpointInterval': '3', 'delta.feature.domainMetadata': 'supported' },
  });
  const commit = async (stage: (tx: Transaction) => void): Promise<void> => {
    const tx = await Transaction.start(table);
    stage(tx);
    await tx.commit({ operation: 'WRITE' });
  };
  await commit((tx) => {
    tx.add({ add: { ...fakeAdd('f1', 'a'), tags: { origin: 'test' } } }, { add: fakeAdd('f2', 'b c') });
    tx.setTxn('app-1', 7);
  });
  await commit((tx) => {
    tx.add({ remove: { path: 'part=a/f1.parquet', deletionTimestamp: Date.now(), dataChange: true, partitionValues: { part: 'a' }, size: 100 } });
    tx.add({ domainMetadata: { domain: 'my.domain', configuration: '{"x":1}', removed: false } });
  });
  await commit((tx) => {
    tx.add({ add: fakeAdd('f3', 'a') });
    tx.setTxn('app-2', 1);
  });
  await commit((tx) => tx.add({ add: fakeAdd('f4', 'a') }));
  return table;
}

function describe(snapshot: Snapshot): unknown {
  return {
    version: snapshot.version,
    protocol: snapshot.protocol,
    metadata: snapshot.metadata,
    files: snapshot.files().map((f) => ({ ...f, dataChange: undefined })).sort((a, b) => a.path.localeCompare(b.path)),
    tombstones: snapshot.tombstones().map((r) => r.path).sort(),
    txns: [snapshot.txnVersion('app-1'), snapshot.txnVersion('app-2')],
    domains: snapshot.domains(),
  };
}

test('a commit at a multiple of delta.checkpointInterval writes a checkpoint our reader replays identically', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await buildTable(dir);
    await stat(join(dir, classicCheckpointPath(3)));
    const last = JSON.parse(await readFile(join(dir, LAST_CHECKPOINT), 'utf8')) as Record<string, number>;
    assert.equal(last.version, 3);
    assert.equal(last.numOfAddFiles, 2);
    // protocol, metaData, 2 txns, 1 domain, 2 adds, 1 tombstone
    assert.equal(last.size, 8);
    const fromCheckpoint = await table.snapshot();
    assert.equal(fromCheckpoint.segment.checkpoint?.version, 3);
    assert.deepEqual(fromCheckpoint.segment.commits.map((c) => c.version), [4]);
    const atCheckpoint = await table.snapshot({ version: 3 });
    await rm(join(dir, classicCheckpointPath(3)));
    await rm(join(dir, LAST_CHECKPOINT));
    const fromCommits = await table.snapshot();
    assert.equal(fromCommits.segment.checkpoint, undefined);
    assert.deepEqual(describe(fromCheckpoint), describe(fromCommits));
    assert.deepEqual(describe(atCheckpoint), describe(await table.snapshot({ version: 3 })));
    assert.deepEqual(fromCheckpoint.files().find((f) => f.path.includes('f2'))?.partitionValues, { part: 'b c' });
  });
});

test('a failing checkpoint does not fail the commit', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const { table } = await createTable(dir, { schema: SCHEMA, partitionColumns: ['part'], properties: { 'delta.checkpointInterval': '1' } });
    // A directory where the checkpoint file should go makes writing it fail.
    await mkdir(join(dir, classicCheckpointPath(1)));
    const tx = await Transaction.start(table);
    tx.add({ add: fakeAdd('f1') });
    const result = await tx.commit({ operation: 'WRITE' });
    assert.equal(result.version, 1);
    assert.ok(result.checkpointError instanceof Error);
    assert.equal(result.checkpointVersion, undefined);
    assert.equal((await table.snapshot()).fileCount, 1);
  });
});
