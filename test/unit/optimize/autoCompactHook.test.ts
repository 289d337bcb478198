import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCommit } from '../../../src/delta/commitReader';
import { commitPath } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { AUTO_COMPACT_MIN_NUM_FILES_PROPERTY, AUTO_COMPACT_PROPERTY, withAutoCompaction } from '../../../src/ops/optimize/autoCompact';
import { rowsBatch, tableRows, writeSmallFiles } from './optimizeTables';
import { stableRowIds } from '../transaction/rowTrackingIds';
import { runCliCaptured } from '../../helpers/runCliCaptured';
import { withTempDir } from '../../helpers/withTempDir';

const ON = { [AUTO_COMPACT_PROPERTY]: 'true', [AUTO_COMPACT_MIN_NUM_FILES_PROPERTY]: '5' };

async function filesPerPartition(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const file of (await (await DeltaTable.open(dir)).snapshot()).files()) {
    const part = String(file.partitionValues.part);
    out[part] = (out[part] ?? 0) + 1;
  }
  return out;
}

async function lastCommit(dir: string): Promise<{ operation: unknown; auto: unknown; dataChange: boolean[] }> {
  const table = await DeltaTable.open(dir);
  const version = (await table.snapshot()).version;
  const actions = await readCommit(table.store, commitPath(version));
  const info = actions[0]?.commitInfo;
  const dataChange = actions.flatMap((a) => (a.add ? [a.add.dataChange] : a.remove ? [a.remove.dataChange ?? true] : []));
  return { operation: info?.operation, auto: info?.operationParameters?.auto, dataChange };
}

describe('auto-compaction after writes (post-commit hook)', () => {
  test('a write that leaves 8 small files in partition a and 4 in b compacts a only, with dataChange=false', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    const { result, autoCompactions } = await withAutoCompaction(() =>
      writeSmallFiles(dir, 12, 10, { parts: ['a', 'a', 'b'], partitioned: true, properties: ON }));
    assert.equal(result, undefined);
    assert.equal(autoCompactions.length, 1);
    assert.deepEqual([autoCompactions[0]?.filesRemoved, autoCompactions[0]?.filesAdded, autoCompactions[0]?.rowsWritten], [8, 1, 80]);
    assert.deepEqual(await filesPerPartition(dir), { a: 1, b: 4 });
    const commit = await lastCommit(dir);
    assert.deepEqual([commit.operation, commit.auto, commit.dataChange.length, commit.dataChange.every((d) => !d)], ['OPTIMIZE', 'true', 9, true]);
    assert.equal((await tableRows(dir)).length, 120);
  }));

  test('only partitions the write touched: b reaches 5 small files and is compacted, a (8 files, untouched) is not', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    await writeSmallFiles(dir, 12, 10, { parts: ['a', 'a', 'b'], partitioned: true, properties: ON });
    const before = await tableRows(dir);
    const { autoCompactions } = await withAutoCompaction(() => writeTable(dir, [rowsBatch(1000, 10, 'b')], { targetFileSize: 1 }));
    assert.deepEqual(autoCompactions.map((c) => [c.filesRemoved, c.filesAdded]), [[5, 1]]);
    assert.deepEqual(await filesPerPartition(dir), { a: 8, b: 1 });
    assert.equal((await tableRows(dir)).length, before.length + 10);
  }));

  test('no property, or too few small files: no compaction', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const off = join(root, 'off');
    const plain = await withAutoCompaction(() => writeSmallFiles(off, 12, 10, { parts: ['a'], partitioned: true }));
    assert.deepEqual(plain.autoCompactions, []);
    assert.deepEqual(await filesPerPartition(off), { a: 12 });

    const on = join(root, 'on');
    const few = await withAutoCompaction(() => writeSmallFiles(on, 4, 10, { parts: ['a'], partitioned: true, properties: ON }));
    assert.deepEqual(few.autoCompactions, []);
    assert.deepEqual(await filesPerPartition(on), { a: 4 });
  }));

  test('a row-tracking table is compacted too: its rows keep their row ids and commit versions', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    const tracked = { ...ON, 'delta.enableRowTracking': 'true' };
    const { autoCompactions } = await withAutoCompaction(() => writeSmallFiles(dir, 4, 10, { parts: ['a'], partitioned: true, properties: tracked }));
    assert.deepEqual(autoCompactions, []);
    const before = await stableRowIds(dir, 'id');
    const compacted = await withAutoCompaction(() => writeSmallFiles(dir, 4, 10, { parts: ['a'], partitioned: true, properties: tracked, firstId: 40 }));
    assert.deepEqual(compacted.autoCompactions.map((c) => [c.filesRemoved, c.filesAdded, c.rowsWritten]), [[8, 1, 80]]);
    assert.deepEqual(await filesPerPartition(dir), { a: 1 });
    assert.equal((await tableRows(dir)).length, 80);
    assert.deepEqual((await stableRowIds(dir, 'id')).slice(0, before.length), before);
  }));

  test('a DELETE that rewrites a file touches its partition: 5 small files there are compacted', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    await writeSmallFiles(dir, 6, 10, { parts: ['a'], partitioned: true, properties: ON });
    // ids 0..9 are file 0 (removed whole), 10..14 half of file 1 (rewritten): 5 files left in a.
    const deleted = await withAutoCompaction(() => deleteRows(dir, 'id < 15'));
    assert.equal(deleted.result.rowsRemoved, 15);
    assert.deepEqual(deleted.autoCompactions.map((c) => [c.filesRemoved, c.filesAdded, c.rowsWritten]), [[5, 1, 45]]);
    assert.deepEqual(await filesPerPartition(dir), { a: 1 });
    assert.equal((await tableRows(dir)).length, 45);
  }));

  test('lakehouse write: the CLI compacts after the commit and says so on stderr, keeping --json stdout intact', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    await writeSmallFiles(dir, 4, 10, { parts: ['a'], partitioned: true, properties: ON });
    const input = join(root, 'rows.ndjson');
    await writeFile(input, `${JSON.stringify({ id: 500, x: 1, y: 2, w: 0.5, part: 'a', payload: 'cli' })}\n`);
    const written = await runCliCaptured(['write', dir, '--from', input]);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /auto-compaction \(.*\): 5 small file\(s\) in 1 partition bin\(s\) rewritten as 1 file\(s\)/);
    assert.deepEqual(await filesPerPartition(dir), { a: 1 });
    assert.equal((await tableRows(dir)).length, 41);
    const commit = await lastCommit(dir);
    assert.deepEqual([commit.operation, commit.auto], ['OPTIMIZE', 'true']);
  }));

  test('lakehouse import of a CSV into partitions b (4 small files + 1) and c (new): b is compacted, c is not', () => withTempDir('lakehouse-autocompact-hook-', async (root) => {
    const dir = join(root, 't');
    await writeSmallFiles(dir, 12, 10, { parts: ['a', 'a', 'b'], partitioned: true, properties: ON });
    const csv = join(root, 'rows.csv');
    await writeFile(csv, 'id,x,y,w,part,payload\n900,1,2,0.5,b,csv\n901,3,4,0.25,c,csv\n');
    const imported = await runCliCaptured(['import', csv, '--to', dir, '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.doesNotThrow(() => JSON.parse(imported.stdout), 'stdout stays one JSON document');
    assert.match(imported.stderr, /auto-compaction \(.*\): 5 small file\(s\) in 1 partition bin\(s\) rewritten as 1 file\(s\)/);
    assert.deepEqual(await filesPerPartition(dir), { a: 8, b: 1, c: 1 });
    assert.equal((await tableRows(dir)).length, 122);
  }));
});
