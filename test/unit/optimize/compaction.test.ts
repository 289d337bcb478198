import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';
import { readCommit } from '../../../src/delta/commitReader';
import { isDeltaError } from '../../../src/delta/errors';
import { commitPath } from '../../../src/delta/logFiles';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { planOptimize } from '../../../src/ops/optimize/planOptimize';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { rowsBatch, tableRows, writeSmallFiles } from './optimizeTables';

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-optimize-'));
  try {
    await run(join(root, 'table'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('OPTIMIZE compaction', () => {
  test('bins small files per partition, writes the planned file count, keeps every row, dataChange=false', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 60, 500, { parts: ['a', 'b', 'c'], partitioned: true });
    const before = await tableRows(dir);
    const table = await DeltaTable.open(dir);
    const sizes = (await table.snapshot()).files().map((f) => f.size);
    const target = Math.ceil(Math.max(...sizes) * 7.5);
    const plan = await planOptimize(dir, { targetFileSize: target });
    assert.equal(plan.mode, 'compact');
    assert.equal(plan.filesInTable, 60);
    // 20 files per partition, 7 fit under the target: bins of 7, 7 and 6 in each partition.
    assert.deepEqual(plan.bins.map((b) => b.files.length), [7, 7, 6, 7, 7, 6, 7, 7, 6]);
    assert.ok(plan.bins.every((b) => b.outputFiles === 1 && b.reason === 'smallFiles' && b.inputBytes <= target));
    assert.deepEqual(plan.bins.map((b) => b.partition.part), ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c']);
    assert.equal(plan.fileCountAfter, 9);
    assert.equal(plan.bytesToRewrite, sizes.reduce((n, s) => n + s, 0));
    assert.deepEqual(plan.histogram.before.reduce((n, c) => n + c, 0), 60);
    assert.deepEqual(plan.histogram.after.reduce((n, c) => n + c, 0), 9);
    assert.ok(plan.inflation > 1 && plan.inflation < 10, `inflation from footers: ${plan.inflation}`);
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(plan)));

    const result = await runOptimize(dir, { plan });
    assert.equal(result.version, 1);
    assert.equal(result.filesAdded, 9);
    assert.equal(result.filesRemoved, 60);
    assert.equal(result.rowsWritten, 30_000);
    const after = await table.snapshot();
    assert.equal(after.fileCount, plan.fileCountAfter);
    assert.deepEqual(await tableRows(dir), before);
    const actions = await readCommit(table.store, commitPath(1));
    assert.equal(actions[0]?.commitInfo?.operation, 'OPTIMIZE');
    assert.equal(actions.filter((a) => a.add).length, 9);
    assert.ok(actions.every((a) => (a.add?.dataChange ?? false) === false && (a.remove?.dataChange ?? false) === false));
    assert.ok(after.files().every((f) => f.partitionValues.part !== undefined && f.path.startsWith(`part=${f.partitionValues.part}/`)));

    const again = await planOptimize(dir, { targetFileSize: target });
    assert.equal(again.bins.length, 0, 'compaction is idempotent: one file per partition is left alone');
  }));

  test('files with many deleted rows are rewritten alone; DV-hidden rows are dropped', () => withDir(async (dir) => {
    await writeTable(dir, [rowsBatch(0, 5000, 'a'), rowsBatch(5000, 5000, 'a')], {
      targetFileSize: 1, properties: { 'delta.enableDeletionVectors': 'true' },
    });
    await deleteRows(dir, 'id < 1000 OR (id >= 5000 AND id < 5100)');
    const before = await tableRows(dir);
    assert.equal(before.length, 8900);
    const plan = await planOptimize(dir, { targetFileSize: 1024 });
    assert.equal(plan.bins.length, 1, 'only the file with 20% deleted rows; 2% is under the threshold');
    const [bin] = plan.bins;
    assert.equal(bin?.reason, 'deletedRows');
    assert.equal(bin?.files[0]?.deletedRows, 1000);
    assert.equal(bin?.liveRows, 4000);
    const result = await runOptimize(dir, { plan });
    assert.equal(result.rowsWritten, 4000);
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    assert.equal(snapshot.files().filter((f) => f.deletionVector).length, 1, 'the 2% file keeps its deletion vector');
    assert.deepEqual(await tableRows(dir), before);
  }));

  test('--where limits compaction to matching partitions and refuses data columns', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 12, 200, { parts: ['a', 'b'], partitioned: true });
    const plan = await planOptimize(dir, { where: "part = 'b'" });
    assert.equal(plan.filesConsidered, 6);
    assert.deepEqual(plan.bins.map((b) => [b.partition.part, b.files.length, b.outputFiles]), [['b', 6, 1]]);
    await runOptimize(dir, { plan });
    const files = (await (await DeltaTable.open(dir)).snapshot()).files();
    assert.equal(files.filter((f) => f.partitionValues.part === 'a').length, 6);
    assert.equal(files.filter((f) => f.partitionValues.part === 'b').length, 1);
    await assert.rejects(planOptimize(dir, { where: 'x > 5' }), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_ARGUMENT') && /partition columns/.test(e.message));
  }));

  test('an append committed while OPTIMIZE runs is kept (the OPTIMIZE commit rebases over it)', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 30, 300);
    const before = await tableRows(dir);
    const result = await runOptimize(dir, {
      beforeCommit: async () => { await writeTable(dir, [rowsBatch(100_000, 50, 'late')]); },
    });
    assert.equal(result.version, 2, 'the append took version 1');
    assert.equal(result.attempts, 2);
    const rows = await tableRows(dir);
    assert.equal(rows.length, before.length + 50);
    assert.equal(rows.filter((r) => r.includes('"part":"late"')).length, 50);
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    assert.equal(snapshot.fileCount, 2, 'one compacted file and the appended one');
  }));

  test('a concurrent delete of a file being compacted is a conflict and nothing is committed', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 10, 100);
    await assert.rejects(runOptimize(dir, {
      beforeCommit: async () => { await deleteRows(dir, 'id = 5'); },
    }), (e: unknown) => isDeltaError(e, 'DELTA_CONCURRENT_MODIFICATION'));
    const table = await DeltaTable.open(dir);
    assert.equal(await table.latestVersion(), 1);
    assert.equal((await tableRows(dir)).length, 999);
  }));

  test('hundreds of small files decoded in the worker pool and here (parallelDecode): every row kept across a schema change', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 300, 5, { parts: ['a', 'b'], partitioned: true });
    // 300 more files with an added column: pool chunks of one schema join, a chunk spanning the change is decoded file by file.
    const withExtra = (batch: RecordBatch, f: number): RecordBatch => {
      const extra = vectorFromArray(Array.from({ length: batch.numRows }, (_, i) => (i === 0 ? null : `e${f}.${i}`)), new Utf8()).data[0] as Data;
      const schema = new Schema([...batch.schema.fields, new Field('extra', new Utf8(), true)]);
      return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children: [...batch.data.children, extra] }));
    };
    await writeTable(dir, Array.from({ length: 300 }, (_, f) => withExtra(rowsBatch(10_000 + f * 5, 5, f % 2 === 0 ? 'a' : 'b'), f)), {
      targetFileSize: 1, partitionBy: ['part'], mergeSchema: true,
    });
    const before = await tableRows(dir);
    assert.equal(before.length, 3000);
    assert.ok(before.some((r) => r.includes('"extra":null')) && before.some((r) => r.includes('"extra":"e7.3"')));
    const result = await runOptimize(dir, { parallelDecode: true });
    assert.equal(result.filesRemoved, 600);
    assert.equal(result.filesAdded, 2);
    assert.equal(result.rowsWritten, 3000);
    assert.deepEqual(await tableRows(dir), before);
  }));

  test('a corrupt file among many small files fails the run naming it, and nothing is committed', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 100, 5);
    const table = await DeltaTable.open(dir);
    const victim = (await table.snapshot()).files()[70]?.path as string;
    const bytes = await readFile(join(dir, victim));
    bytes.fill(7, 4, bytes.length - 8);
    await writeFile(join(dir, victim), bytes);
    for (const parallelDecode of [false, true]) {
      await assert.rejects(runOptimize(dir, { parallelDecode }), (e: unknown) => isDeltaError(e, 'DELTA_CORRUPT_PARQUET') && e.message.includes(victim));
    }
    assert.equal(await table.latestVersion(), 0);
  }));

  test('a small file longer than the log says is read whole: its rows are all kept', () => withDir(async (dir) => {
    await writeSmallFiles(dir, 100, 5);
    const other = `${dir}-other`;
    await writeSmallFiles(other, 1, 50, { firstId: 1_000_000 });
    const longer = (await (await DeltaTable.open(other)).snapshot()).files()[0]?.path as string;
    const victim = (await (await DeltaTable.open(dir)).snapshot()).files()[40]?.path as string;
    await writeFile(join(dir, victim), await readFile(join(other, longer)));
    const result = await runOptimize(dir);
    assert.equal(result.rowsWritten, 99 * 5 + 50);
    const ids = (await tableRows(dir)).map((row) => Number((JSON.parse(row) as { id: string }).id));
    assert.equal(ids.filter((id) => id >= 1_000_000).length, 50);
  }));
});
