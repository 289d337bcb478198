import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { parseSchemaString } from '../../../src/delta/schema';
import { DeltaTable } from '../../../src/delta/table';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { WriterThread } from '../../../src/ops/optimize/writerThread';
import { runOptimize } from '../../../src/ops/optimize/runOptimize';
import { rowsBatch, tableRows, writeSmallFiles } from './optimizeTables';

async function withDir(run: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lakehouse-writer-thread-'));
  try {
    await run(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Parquet files under `dir`, table-relative, sorted. */
async function dataFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => name.endsWith('.parquet')).sort();
}

describe('OPTIMIZE with the files written in a worker thread (writerThread)', () => {
  test('a compaction writes the same files, rows and statistics as one written on this thread', () => withDir(async (root) => {
    const inThread = join(root, 'in-thread');
    await writeSmallFiles(inThread, 90, 200, { parts: ['a', 'b', 'c'], partitioned: true });
    const inWorker = join(root, 'in-worker');
    await cp(inThread, inWorker, { recursive: true });
    const before = await tableRows(inThread);
    // A target that gives each partition's bin 2 output files: a file is finished in the worker while the next is written.
    const sizes = (await (await DeltaTable.open(inThread)).snapshot()).files().map((f) => f.size);
    const options = { targetFileSize: Math.ceil(sizes.reduce((n, s) => n + s, 0) / 6) };
    const local = await runOptimize(inThread, { ...options, writerThread: false });
    const pooled = await runOptimize(inWorker, { ...options, writerThread: true });
    assert.equal(pooled.filesAdded, local.filesAdded);
    assert.ok(pooled.filesAdded >= 6, `files added: ${pooled.filesAdded}`);
    assert.ok(pooled.rowsWritten > 15_000 && pooled.rowsWritten === local.rowsWritten, `rows written: ${pooled.rowsWritten}, ${local.rowsWritten}`);
    assert.equal(pooled.bytesAdded, local.bytesAdded);
    assert.deepEqual(await tableRows(inWorker), before);
    const adds = async (dir: string): Promise<string[]> => (await (await DeltaTable.open(dir)).snapshot()).files()
      .map((f) => `${JSON.stringify(f.partitionValues)} ${f.size} ${f.stats ?? ''}`).sort();
    assert.deepEqual(await adds(inWorker), await adds(inThread));
  }));

  test('WriterThread: files stored by the worker, and a writer error raised here with its DeltaError code', () => withDir(async (root) => {
    await writeSmallFiles(join(root, 'table'), 1, 10, { partitioned: true });
    const snapshot = await (await DeltaTable.open(join(root, 'table'))).snapshot();
    const schema = parseSchemaString(snapshot.metadata.schemaString);
    const store = new LocalFileStore(join(root, 'table'));
    const thread = WriterThread.start(store);
    assert.ok(thread, 'a local store gets a writer thread');
    try {
      const writer = thread.open({ store, schema, partitionColumns: ['part'], columnMappingMode: 'none', targetFileSize: Infinity, maxBufferedBytes: Infinity });
      for (let b = 0; b < 5; b++) await writer.write(rowsBatch(b * 1000, 1000, b % 2 === 0 ? 'a' : 'b'));
      const written = await writer.finish();
      assert.deepEqual(written.map((f) => [f.partitionValues.part, f.rows]).sort(), [['a', 3000], ['b', 2000]]);
      for (const file of written) assert.ok((await store.head(decodeURIComponent(file.path)))?.size === file.size);
      assert.ok(written.every((f) => JSON.parse(f.stats).minValues.id !== undefined));

      const broken = thread.open({ store, schema, partitionColumns: ['nope'], columnMappingMode: 'none' });
      await broken.write(rowsBatch(0, 10, 'a'));
      await assert.rejects(broken.finish(), (e: unknown) => isDeltaError(e, 'DELTA_INVALID_SCHEMA'));
    } finally {
      await thread.close();
    }
  }));

  test('an aborted run commits nothing and leaves no file of the worker behind', () => withDir(async (root) => {
    const dir = join(root, 'table');
    await writeSmallFiles(dir, 120, 200, { parts: ['a', 'b', 'c'], partitioned: true });
    const files = await dataFiles(dir);
    const controller = new AbortController();
    let done = 0;
    const run = runOptimize(dir, {
      targetFileSize: 1 << 30, writerThread: true, signal: controller.signal,
      // Aborted in the second partition's bin, once the first bin's file is written or being written.
      onProgress: () => { if (++done === 60) controller.abort(); },
    });
    await assert.rejects(run, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.equal(await (await DeltaTable.open(dir)).latestVersion(), 0);
    assert.deepEqual(await dataFiles(dir), files);
  }));

  test('a Z-order writes the same files as one written on this thread, tagged, every row kept', () => withDir(async (root) => {
    const inThread = join(root, 'in-thread');
    await writeSmallFiles(inThread, 40, 500);
    const inWorker = join(root, 'in-worker');
    await cp(inThread, inWorker, { recursive: true });
    const before = await tableRows(inThread);
    const options = { zOrderBy: ['x', 'y'], targetFileSize: 48 * 1024 };
    const local = await runOptimize(inThread, { ...options, writerThread: false });
    const pooled = await runOptimize(inWorker, { ...options, writerThread: true });
    assert.ok(pooled.filesAdded > 2 && pooled.filesAdded === local.filesAdded, `files added: ${pooled.filesAdded}, ${local.filesAdded}`);
    assert.equal(pooled.rowsWritten, 20_000);
    assert.deepEqual(await tableRows(inWorker), before);
    const adds = async (dir: string): Promise<string[]> => (await (await DeltaTable.open(dir)).snapshot()).files()
      .map((f) => `${f.size} ${f.tags?.ZCUBE_ZORDER_BY ?? 'untagged'} ${f.stats ?? ''}`).sort();
    assert.deepEqual(await adds(inWorker), await adds(inThread));
  }));
});
