import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { mergeRows } from '../../../src/delta/write/mergeRows';
import { ParquetWorkerPool } from '../../../src/parquet/parquetWorkerPool';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { batchesOf, readRows, withTempTable } from './helpers';
import { writeNoiseFiles } from './noiseFiles';

/*
 * With decodeAhead, a copy-on-write rewrite decodes row groups of 1 MiB or more of chunk bytes in
 * the Parquet worker pool, the next group while this thread writes the current one. These tables have such groups
 * (files of 100,000 rows with two columns of doubles that do not compress): the rows kept and changed must be exactly the ones
 * this thread's decode gives, and a corrupt page must still fail the operation.
 */
const ROWS = 300_000;

const label = (id: number): string | null => (id % 9 === 0 ? null : `label-${id % 1000}`);

/** The table in `files` appends (a file each, one row group each): id, x and y (noise) and label. */
function writeWide(dir: string, files: number): Promise<Float64Array> {
  return writeNoiseFiles(dir, files, ROWS / files, [7, 11], label);
}

/** Counts the pool's row group decodes while `work` runs. */
async function poolDecodes(work: () => Promise<void>): Promise<number> {
  const original = Object.getOwnPropertyDescriptor(ParquetWorkerPool.prototype, 'decodeRange') as PropertyDescriptor;
  const decodeRange = original.value as ParquetWorkerPool['decodeRange'];
  let calls = 0;
  Object.defineProperty(ParquetWorkerPool.prototype, 'decodeRange', {
    ...original,
    value(this: ParquetWorkerPool, ...args: Parameters<ParquetWorkerPool['decodeRange']>) {
      calls++;
      return decodeRange.apply(this, args);
    },
  });
  try {
    await work();
  } finally {
    Object.defineProperty(ParquetWorkerPool.prototype, 'decodeRange', original);
  }
  return calls;
}

describe('copy-on-write rewrites of large row groups (decoded in the worker pool)', () => {
  test('only with decodeAhead: without it every group is decoded on this thread, with the same rows', async () => {
    await withTempTable(async (dir) => {
      await writeWide(dir, 3);
      const here = await poolDecodes(async () => { await deleteRows(dir, 'x < 0.01', { deletionVectors: false, decodeAhead: false }); });
      assert.equal(here, 0);
      const rowsHere = await readRows(dir, 'id');
      const pooled = await poolDecodes(async () => { await deleteRows(dir, 'x < 0.02', { deletionVectors: false, decodeAhead: true }); });
      assert.ok(pooled > 0, `${pooled} pooled decodes`);
      const rowsAfter = await readRows(dir, 'id');
      assert.deepEqual(rowsAfter, rowsHere.filter((row) => (row.x as number) >= 0.02));
    });
  });


  test('DELETE keeps exactly the other rows, values and NULLs included', async () => {
    await withTempTable(async (dir) => {
      const x = await writeWide(dir, 3);
      const removed = await deleteRows(dir, 'x < 0.01 OR id >= 299990', { deletionVectors: false, decodeAhead: true });
      const expected = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !((x[i] as number) < 0.01 || i >= 299_990));
      assert.ok(expected.length > 290_000 && expected.length < 299_000);
      assert.equal(removed.rowsRemoved, ROWS - expected.length);
      const rows = await readRows(dir, 'id');
      assert.equal(rows.length, expected.length);
      for (const [k, i] of expected.entries()) {
        const row = rows[k] as Record<string, unknown>;
        if (row.id !== BigInt(i) || row.x !== x[i] || row.label !== label(i)) {
          assert.fail(`row ${k}: ${JSON.stringify([String(row.id), row.x, row.label])}, expected id ${i}`);
        }
      }
    });
  });

  test('MERGE updates the matched rows and copies the others unchanged', async () => {
    await withTempTable(async (dir) => {
      const x = await writeWide(dir, 3);
      const keys = [5, 150_000, 299_999];
      const summary = await mergeRows(dir, batchesOf({
        id: BigInt64Array.from([...keys, ROWS + 1].map(BigInt)),
        x: Float64Array.from([-1, -2, -3, -4]),
        label: ['u5', 'u150000', 'u299999', 'new'],
      }), { key: ['id'], decodeAhead: true });
      assert.deepEqual([summary.rowsUpdated, summary.rowsInserted], [3, 1]);
      const rows = await readRows(dir, 'id');
      assert.equal(rows.length, ROWS + 1);
      for (let i = 0; i < ROWS; i++) {
        const row = rows[i] as Record<string, unknown>;
        const updated = keys.indexOf(i);
        const want = updated >= 0 ? [-(updated + 1), `u${i}`] : [x[i], label(i)];
        if (row.id !== BigInt(i) || row.x !== want[0] || row.label !== want[1]) assert.fail(`row ${i}: ${JSON.stringify([String(row.id), row.x, row.label])}`);
      }
      assert.deepEqual([rows[ROWS]?.id, rows[ROWS]?.label], [BigInt(ROWS + 1), 'new']);
    });
  });

  test('a corrupt page in a pooled group fails with DELTA_CORRUPT_PARQUET and commits nothing', async () => {
    await withTempTable(async (dir) => {
      await writeWide(dir, 3);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      const file = join(dir, snapshot.files()[0]?.path ?? '');
      const bytes = await readFile(file);
      // The first page header of the y chunk: the match pass (x) reads on, the rewrite's decode fails.
      const y = readParquetFooter(bytes)?.rowGroups[0]?.columns[2];
      assert.ok(y);
      bytes.fill(0xff, y.dataPageOffset, y.dataPageOffset + 64);
      await writeFile(file, bytes);
      await assert.rejects(deleteRows(dir, 'x < 0.01', { deletionVectors: false, decodeAhead: true }), (error: unknown) => isDeltaError(error, 'DELTA_CORRUPT_PARQUET'));
      assert.equal((await (await DeltaTable.open(dir)).snapshot()).version, snapshot.version);
    });
  });
});
