import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '../../../src/delta/table';
import { DeltaError } from '../../../src/delta/errors';
import { GOLDEN_DIR } from '../../conformance/goldenCorpus';

/** A fresh, writable copy of one golden table. */
function copyGolden(root: string, name: string, as: string): string {
  const dir = join(root, as);
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', dir]);
  return join(dir, name, 'delta');
}

async function readAll(path: string): Promise<number> {
  const snapshot = await (await DeltaTable.open(path)).snapshot();
  let rows = 0;
  for await (const batch of snapshot.scan().batches()) rows += batch.numRows;
  return rows;
}

async function expectCode(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DeltaError, `expected a DeltaError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('bad input is refused with its own error code and an actionable message', () => {
  let root = '';
  before(() => { root = mkdtempSync(join(tmpdir(), 'lakehouse-bad-')); });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a folder that is not a table', async () => {
    await expectCode(DeltaTable.open(root), 'DELTA_TABLE_NOT_FOUND', /_delta_log\/ is missing/);
  });

  test('an empty commit file', async () => {
    const table = copyGolden(root, 'time-travel-start-start20-start40', 'empty');
    writeFileSync(join(table, '_delta_log', '00000000000000000002.json'), '');
    await expectCode(readAll(table), 'DELTA_CORRUPT_COMMIT', /00000000000000000002\.json is empty/);
    // Older versions stay readable.
    assert.equal(await readAll(table).catch(() => -1), -1);
    const v1 = await (await DeltaTable.open(table)).snapshot({ version: 1 });
    assert.equal(v1.version, 1);
  });

  test('a truncated commit file', async () => {
    const table = copyGolden(root, 'time-travel-start-start20-start40', 'truncated');
    const commit = join(table, '_delta_log', '00000000000000000001.json');
    truncateSync(commit, statSync(commit).size - 20);
    await expectCode(readAll(table), 'DELTA_CORRUPT_COMMIT', /00000000000000000001\.json is corrupt at line \d+/);
  });

  test('a missing checkpoint part falls back to the commits, and fails clearly when they are gone', async () => {
    const table = copyGolden(root, 'multi-part-checkpoint', 'parts');
    const expected = await readAll(table);
    const log = join(table, '_delta_log');
    const part = readdirSync(log).find((f) => f.endsWith('.checkpoint.0000000002.0000000002.parquet')) as string;
    unlinkSync(join(log, part));
    assert.equal(await readAll(table), expected);
    unlinkSync(join(log, '00000000000000000000.json'));
    await expectCode(readAll(table), 'DELTA_CHECKPOINT_PART_MISSING', /checkpoint of version 1 has 2 parts/);
  });

  test('a corrupt _last_checkpoint is only a hint', async () => {
    const table = copyGolden(root, 'multi-part-checkpoint', 'hint');
    const expected = await readAll(table);
    writeFileSync(join(table, '_delta_log', '_last_checkpoint'), '{"version": 9');
    assert.equal(await readAll(table), expected);
    writeFileSync(join(table, '_delta_log', '_last_checkpoint'), '{"version": 7, "size": 3}');
    assert.equal(await readAll(table), expected);
  });

  test('a corrupt parquet footer names the data file', async () => {
    const table = copyGolden(root, 'data-reader-primitives', 'footer');
    const file = readdirSync(table).find((f) => f.endsWith('.parquet')) as string;
    appendFileSync(join(table, file), 'garbage after the footer');
    await expectCode(readAll(table), 'DELTA_CORRUPT_PARQUET', new RegExp(`Data file ${file.replace(/[.]/g, '\\.')} is not a readable Parquet file`));
  });

  test('a corrupt data page fails the scan with DELTA_CORRUPT_PARQUET and the process goes on', async () => {
    const table = copyGolden(root, 'data-reader-primitives', 'page');
    const file = readdirSync(table).find((f) => f.endsWith('.parquet')) as string;
    const bytes = readFileSync(join(table, file));
    // Just past the leading magic: the first column chunk's page header and data (the decoder panics).
    bytes.fill(0xff, 4, 60);
    writeFileSync(join(table, file), bytes);
    const scanned = async (columns?: string[]): Promise<number> => {
      const snapshot = await (await DeltaTable.open(table)).snapshot();
      let rows = 0;
      for await (const batch of snapshot.scan(columns ? { columns } : {}).batches()) rows += batch.numRows;
      return rows;
    };
    const named = new RegExp(`Data file ${file.replace(/[.]/g, '\\.')} is not a readable Parquet file`);
    await expectCode(scanned(['as_int']), 'DELTA_CORRUPT_PARQUET', named);
    await expectCode(scanned(), 'DELTA_CORRUPT_PARQUET', named);
    assert.equal(await readAll(copyGolden(root, 'data-reader-primitives', 'intact')), 11);
  });

  test('an add action pointing outside the table root', async () => {
    const table = copyGolden(root, 'data-reader-primitives', 'outside');
    writeFileSync(join(table, '_delta_log', '00000000000000000001.json'),
      `${JSON.stringify({ add: { path: '../../../etc/passwd', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true } })}\n`);
    await expectCode(readAll(table), 'DELTA_PATH_OUTSIDE_TABLE', /outside the table root/);
  });

  test('a version that does not exist and a timestamp before the table', async () => {
    const table = copyGolden(root, 'time-travel-start-start20-start40', 'travel');
    const delta = await DeltaTable.open(table);
    await expectCode(delta.snapshot({ version: 3 }), 'DELTA_VERSION_NOT_FOUND', /latest version of this table is 2/);
    await expectCode(delta.snapshot({ timestamp: 0 }), 'DELTA_TIMESTAMP_OUT_OF_RANGE', /before the earliest available version 0/);
  });

  test('commits removed by log retention without a checkpoint', async () => {
    const table = copyGolden(root, 'time-travel-start-start20-start40', 'retention');
    unlinkSync(join(table, '_delta_log', '00000000000000000000.json'));
    await expectCode(DeltaTable.open(table), 'DELTA_VERSION_NOT_FOUND', /removed by log retention.*no version of this table can be read/);
  });
});
