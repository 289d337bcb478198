import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Data, RecordBatch, Schema, Struct, type Field } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import type { FileRows } from '../../../src/delta/write/fileRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { joinKeptColumns } from '../../../src/ops/optimize/keptZOrderColumns';
import { planDetails, planOptimize } from '../../../src/ops/optimize/planOptimize';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { rowsBatch, tableRows } from './optimizeTables';

async function withDir(run: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-kept-z-'));
  try {
    await run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** A batch's rows as JSON lines, in order. */
function lines(batch: RecordBatch): string[] {
  return batch.toArray().map((row) => JSON.stringify(row?.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** The named columns of a batch (built by hand: RecordBatch.select keeps every child in apache-arrow 21). */
function project(batch: RecordBatch, names: readonly string[]): RecordBatch {
  const fields = names.map((name) => batch.schema.fields.find((f) => f.name === name) as Field);
  const children = names.map((name) => batch.data.children[batch.schema.fields.findIndex((f) => f.name === name)] as Data);
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, batch.numRows, 0, undefined, children));
}

/** Each add's size, tag and statistics: equal lists mean the same rows in the same files, in the same order. */
async function adds(dir: string): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  return snapshot.files().map((f) => `${f.size} ${f.tags?.ZCUBE_ZORDER_BY ?? 'untagged'} ${f.stats ?? ''}`).sort();
}

/** Fractions of files read by the benchmark's kind of queries: 20 ranges of 1% of x's and y's domain. */
async function rangeReads(dir: string): Promise<number[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  return ['x', 'y'].map((column) => {
    let read = 0;
    for (let i = 0; i < 20; i++) {
      const low = i * 49_500 + 12_345;
      read += snapshot.scan({ where: `${column} >= ${low} AND ${column} < ${low + 10_000}` }).plan().length;
    }
    return read / (20 * snapshot.fileCount);
  });
}

/** One row of every file (so every file has a deletion vector), and runs of rows in some. */
const DELETED = 'id IN (17, 2017, 4017, 6017, 8017, 10017, 12017, 14017, 16017, 18017, 20017, 22017) OR (id >= 100 AND id < 300) OR (id >= 5000 AND id < 5400) OR (id >= 13000 AND id < 13010) OR (id >= 21990 AND id < 22500)';
const deleted = (id: number): boolean => id % 2000 === 17 || (id >= 100 && id < 300) || (id >= 5000 && id < 5400) || (id >= 13000 && id < 13010) || (id >= 21990 && id < 22500);

/**
 * A table whose files the run reads through the general reader (each has a deletion vector, so
 * the small-file fast path turns them down): 12 files of 2,000 rows, some rows deleted.
 */
async function tableWithDeletes(dir: string): Promise<void> {
  await writeTable(dir, Array.from({ length: 12 }, (_, f) => rowsBatch(f * 2000, 2000, 'a')), {
    targetFileSize: 1, properties: { 'delta.enableDeletionVectors': 'true' },
  });
  await deleteRows(dir, DELETED);
}

describe('Z-order columns decoded once (kept from the sampling pass)', () => {
  test('joinKeptColumns: kept pieces cut elsewhere than the other columns still give the full rows, offsets and masks', async () => {
    const full = rowsBatch(0, 1000, 'a');
    const z = project(full, ['x', 'y']);
    const rest = project(full, ['id', 'w', 'part', 'payload']);
    const live = new Uint8Array(400).fill(1);
    live[7] = 0;
    const restPieces: FileRows[] = [
      { batch: rest.slice(0, 400), rowOffset: 0, live },
      { batch: rest.slice(400, 1000), rowOffset: 400, live: undefined },
    ];
    const keptPieces: FileRows[] = [
      { batch: z.slice(0, 250), rowOffset: 0, live: undefined },
      { batch: z.slice(250, 700), rowOffset: 250, live: undefined },
      { batch: z.slice(700, 1000), rowOffset: 700, live: undefined },
    ];
    const joined: FileRows[] = [];
    for await (const piece of joinKeptColumns(restPieces, keptPieces, full.schema)) joined.push(piece);
    assert.deepEqual(joined.map((p) => [p.rowOffset, p.batch.numRows, p.live]), [[0, 400, live], [400, 600, undefined]]);
    assert.deepEqual(joined[0]?.batch.schema.fields.map((f) => f.name), ['id', 'x', 'y', 'w', 'part', 'payload']);
    assert.deepEqual(joined.flatMap((p) => lines(p.batch)), lines(full));
  });

  test('a run that keeps them writes the same files and rows as one that decodes them again (with or without a plan); deletion vectors applied', () => withDir(async (root) => {
    const once = join(root, 'once');
    await tableWithDeletes(once);
    const twice = join(root, 'twice');
    await cp(once, twice, { recursive: true });
    const unplanned = join(root, 'unplanned');
    await cp(once, unplanned, { recursive: true });
    const before = await tableRows(once);
    const expected = Array.from({ length: 24_000 }, (_, id) => id).filter((id) => !deleted(id)).length;
    assert.equal(before.length, expected, 'rows deleted by the vectors');
    const options = { zOrderBy: ['x', 'y'], targetFileSize: 32 * 1024, writerThread: false };

    // Planned for the run: the sampling pass keeps x and y of every file.
    const kept = await planOptimize(once, options, { keepZOrderColumns: true });
    const cache = planDetails(kept)?.kept;
    assert.ok(cache && cache.bytes >= 24_000 * 16, `kept ${cache?.bytes} bytes`);
    const withKept = await runOptimize(once, { ...options, plan: kept });
    assert.equal(cache.bytes, 0, 'every kept file was handed to the run');
    assert.equal(planDetails(kept)?.kept, undefined, 'the plan lets go of them');

    // A plan a user reviews keeps nothing: the run decodes every column.
    const reviewed = await planOptimize(twice, options);
    assert.equal(planDetails(reviewed)?.kept, undefined);
    const decodedTwice = await runOptimize(twice, { ...options, plan: reviewed });

    assert.ok(withKept.filesAdded >= 4 && withKept.filesAdded === decodedTwice.filesAdded, `${withKept.filesAdded} / ${decodedTwice.filesAdded} files`);
    assert.equal(withKept.rowsWritten, before.length);
    assert.deepEqual(await tableRows(once), before);
    assert.deepEqual(await adds(once), await adds(twice));
    const reads = await rangeReads(once);
    assert.deepEqual(reads, await rangeReads(twice));
    assert.ok((reads[0] as number) < 1 && (reads[1] as number) < 1, `range queries skip files: ${reads.join(', ')}`);

    // runOptimize without a plan plans for itself and keeps them; here its files are written in the worker.
    await runOptimize(unplanned, { ...options, writerThread: true });
    assert.deepEqual(await adds(unplanned), await adds(twice));
  }));

  test('a budget too small for all of them keeps some, decodes the rest whole, and writes the same files', () => withDir(async (root) => {
    const once = join(root, 'once');
    await tableWithDeletes(once);
    const twice = join(root, 'twice');
    await cp(once, twice, { recursive: true });
    const before = await tableRows(once);
    // A third of the budget (the cache's share) holds x and y of about 5 of the 12 files.
    const options = { zOrderBy: ['x', 'y'], targetFileSize: 32 * 1024, memoryBudget: 480 * 1024, writerThread: false };
    const partial = await planOptimize(once, options, { keepZOrderColumns: true });
    const cache = planDetails(partial)?.kept;
    const files = planDetails(partial)?.snapshot.files() ?? [];
    const keptFiles = files.filter((f) => cache?.has(f.path)).length;
    assert.ok(keptFiles >= 2 && keptFiles < 12, `${keptFiles} of 12 files kept`);
    const result = await runOptimize(once, { ...options, plan: partial });
    assert.ok(result.peakHeldBytes <= options.memoryBudget, `held ${result.peakHeldBytes} of ${options.memoryBudget}`);
    await runOptimize(twice, { ...options, plan: await planOptimize(twice, options) });
    assert.deepEqual(await tableRows(once), before);
    assert.deepEqual(await adds(once), await adds(twice));
  }));
});
