import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { isDeltaError } from '../../../src/delta/errors';
import { DeltaTable } from '../../../src/delta/table';
import { CONVERT_PROGRESS_DIR } from '../../../src/ops/convert/convertProgress';
import { convertToDelta } from '../../../src/ops/convert/convertToDelta';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { withTempDir } from '../../helpers/withTempDir';

const FILES = 3000;
const PARTITIONS = 3;

/** A tiny file with `rows` rows whose ids start at `from`. */
function tinyParquet(from: number, rows: number): Uint8Array {
  const table = tableFromArrays({
    id: BigInt64Array.from({ length: rows }, (_, i) => BigInt(from + i)),
    v: Float64Array.from({ length: rows }, (_, i) => i / 2),
  });
  return encodeParquet(table.batches, {});
}

/** FILES tiny files in PARTITIONS Hive partitions; file i holds 1 + i % 4 rows. Returns the row count. */
async function writeTinyFiles(dir: string): Promise<number> {
  const bodies = [1, 2, 3, 4].map((rows, k) => tinyParquet(k * 10, rows));
  let rows = 0;
  for (let p = 0; p < PARTITIONS; p++) await mkdir(join(dir, `p=${p}`));
  for (let i = 0; i < FILES; i++) {
    await writeFile(join(dir, `p=${i % PARTITIONS}`, `part-${String(i).padStart(5, '0')}.parquet`), bodies[i % 4] as Uint8Array);
    rows += 1 + (i % 4);
  }
  return rows;
}

async function tableRows(dir: string): Promise<{ files: number; rows: number }> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot();
  const files = snapshot.files();
  const rows = files.reduce((sum, f) => sum + Number((JSON.parse(f.stats ?? '{}') as { numRecords?: number }).numRecords), 0);
  return { files: files.length, rows };
}

async function savedSegments(dir: string): Promise<string[]> {
  return existsSync(join(dir, CONVERT_PROGRESS_DIR)) ? readdir(join(dir, CONVERT_PROGRESS_DIR)) : [];
}

describe('CONVERT resumes after a cancel or a kill', () => {
  test('cancelled after 1,200 of 3,000 footers: the rerun reads only the rest and commits every row', () => withTempDir('lakehouse-convert-resume-', async (dir) => {
    const rows = await writeTinyFiles(dir);
    const controller = new AbortController();
    await assert.rejects(convertToDelta(dir, {
      concurrency: 8, signal: controller.signal,
      onProgress: (done) => { if (done === 1200) controller.abort(); },
    }), (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.equal(existsSync(join(dir, '_delta_log')), false, 'nothing committed');
    assert.ok((await savedSegments(dir)).length >= 3, 'progress saved in segments of 500');

    const result = await convertToDelta(dir);
    assert.equal(result.status, 'converted');
    // Every footer counted by progress before the cancel was saved; the ones in flight may be read again.
    assert.ok(result.footersReused >= 1200 && result.footersReused <= 1200 + 8, `reused ${result.footersReused}`);
    assert.equal(result.footersRead + result.footersReused, FILES);
    assert.equal(result.folderChangedSinceLastRun, false);
    assert.deepEqual([result.files, result.rows], [FILES, rows]);
    assert.deepEqual(await tableRows(dir), { files: FILES, rows });
    assert.deepEqual(await savedSegments(dir), [], 'progress removed after the commit');
    assert.deepEqual(result.ignoredFiles, []);
  }));

  test('killed with SIGKILL mid-run: the rerun reuses the saved footers, then the folder changes and is reconciled', () => withTempDir('lakehouse-convert-resume-', async (dir) => {
    const rows = await writeTinyFiles(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'convertKillChild.ts'), dir, '1200'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('frozen')) resolve(); });
      child.on('exit', (code) => reject(new Error(`the child exited (${code}) before freezing`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(existsSync(join(dir, '_delta_log')), false);
    assert.ok((await savedSegments(dir)).length >= 1);

    // A dry run reuses the saved footers too, and saves nothing new.
    const before = await savedSegments(dir);
    const planned = await convertToDelta(dir, { dryRun: true });
    // At least the first segment (500 footers) was saved before the freeze at 1,200.
    assert.ok(planned.footersReused >= 500 && planned.footersReused <= 1200, `reused ${planned.footersReused}`);
    assert.deepEqual(await savedSegments(dir), before);

    // Since the kill: the first 10 files listed (all with saved footers) deleted, 5 added.
    const deleted = Array.from({ length: 10 }, (_, k) => k * PARTITIONS);
    for (const i of deleted) await unlink(join(dir, 'p=0', `part-${String(i).padStart(5, '0')}.parquet`));
    const removedRows = deleted.reduce((sum, i) => sum + 1 + (i % 4), 0);
    for (let i = 0; i < 5; i++) await writeFile(join(dir, 'p=0', `late-${i}.parquet`), tinyParquet(100, 7));
    const result = await convertToDelta(dir);
    assert.equal(result.folderChangedSinceLastRun, true);
    assert.equal(result.footersReused, planned.footersReused - 10);
    assert.equal(result.footersRead + result.footersReused, FILES - 10 + 5);
    assert.deepEqual(await tableRows(dir), { files: FILES - 5, rows: rows - removedRows + 35 });
    assert.deepEqual(await savedSegments(dir), []);
  }));

  test('a bad file fails the run but keeps the footers read, so the rerun after fixing it reads little', () => withTempDir('lakehouse-convert-resume-', async (dir) => {
    await writeTinyFiles(dir);
    await writeFile(join(dir, 'p=2', 'part-02999.parquet'), 'not parquet');
    await assert.rejects(convertToDelta(dir, { concurrency: 1 }), (e: unknown) => isDeltaError(e, 'DELTA_CORRUPT_PARQUET'));
    await writeFile(join(dir, 'p=2', 'part-02999.parquet'), tinyParquet(0, 1));
    const result = await convertToDelta(dir);
    assert.equal(result.footersRead, 1);
    assert.equal(result.footersReused, FILES - 1);
  }));
});
