import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanupExpiredLogs } from '../../../src/delta/checkpoint/logCleanup';
import { writeCheckpoint } from '../../../src/delta/checkpoint/writeCheckpoint';
import type { DeltaTable } from '../../../src/delta/table';
import { createTable } from '../../../src/delta/transaction/createTable';
import { Transaction } from '../../../src/delta/transaction/transaction';
import { fakeAdd, SCHEMA } from './fixtures';
import { withTempDir } from '../../helpers/withTempDir';

const DAY = 86_400_000;

/** Versions 0..6, with file times `ageDays[v]` days ago, and checkpoints at 3 and 5. */
async function agedTable(dir: string, ageDays: number[], properties: Record<string, string> = {}): Promise<DeltaTable> {
  const { table } = await createTable(dir, { schema: SCHEMA, properties });
  for (let v = 1; v <= 6; v++) {
    const tx = await Transaction.start(table);
    tx.add({ add: fakeAdd(`f${v}`) });
    await tx.commit({ operation: 'WRITE' });
    if (v === 3 || v === 5) await writeCheckpoint(table.store, v);
  }
  const now = Date.now();
  for (const name of await readdir(join(dir, '_delta_log'))) {
    const version = Number(name.slice(0, 20));
    if (!Number.isInteger(version) || name.startsWith('_')) continue;
    const when = new Date(now - (ageDays[version] ?? 0) * DAY);
    await utimes(join(dir, '_delta_log', name), when, when);
  }
  return table;
}

const logNames = async (dir: string): Promise<string[]> => (await readdir(join(dir, '_delta_log'))).filter((n) => !n.startsWith('_') && !n.startsWith('.')).sort();

test('expired commits before the newest expired checkpoint are deleted; every retained version stays readable', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    // Versions 0..4 are older than 30 days, 5 and 6 are recent: the cut is the checkpoint at 3.
    const table = await agedTable(dir, [50, 45, 40, 35, 31, 1, 0]);
    const deleted = await cleanupExpiredLogs(table.store, {});
    assert.deepEqual(deleted.map((p) => p.slice(p.lastIndexOf('/') + 1)), ['00000000000000000000.json', '00000000000000000001.json', '00000000000000000002.json']);
    assert.deepEqual(await logNames(dir), [
      '00000000000000000003.checkpoint.parquet', '00000000000000000003.json', '00000000000000000004.json',
      '00000000000000000005.checkpoint.parquet', '00000000000000000005.json', '00000000000000000006.json',
    ]);
    for (let v = 3; v <= 6; v++) assert.equal((await table.snapshot({ version: v })).fileCount, v);
  });
});

test('nothing is deleted inside the retention window, when cleanup is disabled, or with a custom duration', async () => {
  await withTempDir('lakehouse-tx-', async (dir) => {
    const table = await agedTable(dir, [10, 9, 8, 7, 6, 5, 4]);
    assert.deepEqual(await cleanupExpiredLogs(table.store, {}), []);
    assert.deepEqual(await cleanupExpiredLogs(table.store, { 'delta.logRetentionDuration': 'interval 2 days', 'delta.enableExpiredLogCleanup': 'false' }), []);
    const deleted = await cleanupExpiredLogs(table.store, { 'delta.logRetentionDuration': 'interval 2 days' });
    // Every version is expired: the newest checkpoint (5) becomes the start of the log.
    assert.equal(deleted.length, 6);
    assert.equal((await table.snapshot()).fileCount, 6);
    assert.equal((await table.snapshot({ version: 5 })).fileCount, 5);
  });
});
