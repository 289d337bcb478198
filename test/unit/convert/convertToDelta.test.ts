import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Decimal, Field, Int32, makeData, makeVector, Struct, Table, tableFromArrays, Utf8, vectorFromArray } from 'apache-arrow';
import { convertToDelta } from '../../../src/ops/convert/convertToDelta';
import { isDeltaError } from '../../../src/delta/errors';
import { parseFileStats } from '../../../src/delta/stats/fileStats';
import { DeltaTable } from '../../../src/delta/table';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { withTempDir } from '../../helpers/withTempDir';

async function writeParquetFile(path: string, table: Table, rowGroupSize?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeParquet(table.batches, rowGroupSize === undefined ? {} : { rowGroupSize }));
}

function ids(from: number, count: number): Table {
  return tableFromArrays({
    id: BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i)),
    name: Array.from({ length: count }, (_, i) => (i % 5 === 0 ? null : `n${from + i}`)),
  });
}

async function logFiles(dir: string): Promise<string[]> {
  return existsSync(join(dir, '_delta_log')) ? (await readdir(join(dir, '_delta_log'))).filter((f) => f.endsWith('.json')) : [];
}

describe('convertToDelta', () => {
  test('statistics are aggregated over row groups; progress counts every footer', () => withTempDir('lakehouse-convert-', async (dir) => {
    await writeParquetFile(join(dir, 'a.parquet'), ids(0, 100), 30);
    await writeParquetFile(join(dir, 'b.parquet'), ids(1000, 10));
    const progress: Array<[number, number]> = [];
    const result = await convertToDelta(dir, { onProgress: (done, total) => progress.push([done, total]) });
    assert.deepEqual([result.status, result.files, result.rows], ['converted', 2, 110]);
    assert.ok(progress.some(([done, total]) => done === 2 && total === 2));

    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    const add = snapshot.files().find((f) => f.path === 'a.parquet');
    const stats = parseFileStats(add?.stats, snapshot.schema, 'none');
    assert.equal(stats?.numRecords, 100);
    assert.equal(stats?.min(['id']), 0n);
    assert.equal(stats?.max(['id']), 99n);
    assert.equal(stats?.nullCount(['name']), 20);
    assert.equal(stats?.min(['name']), 'n1');
    assert.equal(stats?.max(['name']), 'n99');
  }));

  test('a second run is a no-op; a dry run commits nothing', () => withTempDir('lakehouse-convert-', async (dir) => {
    await writeParquetFile(join(dir, 'k=1', 'a.parquet'), ids(0, 3));
    const plan = await convertToDelta(dir, { dryRun: true });
    assert.equal(plan.status, 'planned');
    assert.deepEqual(plan.partitionColumns, ['k']);
    assert.deepEqual(await logFiles(dir), []);
    assert.equal((await convertToDelta(dir)).status, 'converted');
    const again = await convertToDelta(dir);
    assert.deepEqual([again.status, again.version, again.files], ['alreadyDelta', 0, 1]);
    assert.deepEqual(await logFiles(dir), ['00000000000000000000.json']);
  }));

  test('files added, deleted or rewritten while footers are read make the conversion refuse, committing nothing', () => withTempDir('lakehouse-convert-', async (dir) => {
    await writeParquetFile(join(dir, 'a.parquet'), ids(0, 3));
    await writeParquetFile(join(dir, 'b.parquet'), ids(3, 3));
    await writeParquetFile(join(dir, 'c.parquet'), ids(6, 3));
    await writeParquetFile(join(dir, 'd.parquet'), ids(9, 3));
    const store = new LocalFileStore(dir);
    let injected = false;
    const racing = Object.assign(Object.create(store) as LocalFileStore, {
      async getRange(path: string, start: number, end: number): Promise<Uint8Array> {
        if (!injected) {
          injected = true;
          await writeParquetFile(join(dir, 'late.parquet'), ids(9, 1));
          await writeParquetFile(join(dir, '0-early.parquet'), ids(9, 1));
          await rm(join(dir, 'c.parquet'));
          await writeParquetFile(join(dir, 'd.parquet'), ids(9, 30));
        }
        return store.getRange(path, start, end);
      },
    });
    await assert.rejects(convertToDelta(racing), (error: unknown) => {
      assert.ok(isDeltaError(error, 'DELTA_CONCURRENT_MODIFICATION'));
      assert.match(error.message, /\(0-early\.parquet was added; c\.parquet was deleted; d\.parquet was modified; late\.parquet was added\)\. Nothing was committed/);
      return true;
    });
    assert.deepEqual(await logFiles(dir), []);
  }));

  test('files whose schemas conflict are named; so is a file that is not Parquet', () => withTempDir('lakehouse-convert-', async (dir) => {
    await writeParquetFile(join(dir, 'good.parquet'), tableFromArrays({ v: BigInt64Array.from([1n]) }));
    await writeParquetFile(join(dir, 'other.parquet'), tableFromArrays({ v: ['text'] }));
    await assert.rejects(convertToDelta(dir), /other\.parquet: column v: string here, but long in good\.parquet/);
    await rm(join(dir, 'other.parquet'));
    await writeFile(join(dir, 'notes.txt'), 'hello world, not parquet');
    await assert.rejects(convertToDelta(dir), (error: unknown) => isDeltaError(error, 'DELTA_CORRUPT_PARQUET') && /notes\.txt is not a readable Parquet file/.test(error.message));
    assert.deepEqual(await logFiles(dir), []);
  }));

  test('partition layouts: declared types checked against values and directory names; mixed depths refused', () => withTempDir('lakehouse-convert-', async (dir) => {
    await writeParquetFile(join(dir, 'year=2024', 'a.parquet'), ids(0, 2));
    await writeParquetFile(join(dir, 'year=soon', 'b.parquet'), ids(2, 2));
    await assert.rejects(convertToDelta(dir, { partitionBy: 'year INT' }), /year=soon\/b\.parquet: partition year "soon" is not an integer \(integer\)/);
    await assert.rejects(convertToDelta(dir, { partitionBy: 'month INT' }), /Missing: year\. Not a directory level: month\./);
    const inferred = await convertToDelta(dir, { dryRun: true });
    assert.deepEqual(inferred.schema.fields.at(-1), { name: 'year', type: { kind: 'primitive', name: 'string' }, nullable: true, metadata: {} });
    await writeParquetFile(join(dir, 'flat.parquet'), ids(4, 1));
    await assert.rejects(convertToDelta(dir), /at the same partition depth/);
  }));

  test('an aborted conversion stops and commits nothing', () => withTempDir('lakehouse-convert-', async (dir) => {
    for (let i = 0; i < 5; i++) await writeParquetFile(join(dir, `p${i}.parquet`), ids(i, 1));
    const controller = new AbortController();
    const run = convertToDelta(dir, { concurrency: 1, onProgress: (done) => { if (done === 2) controller.abort(); }, signal: controller.signal });
    await assert.rejects(run, { name: 'AbortError' });
    assert.deepEqual(await logFiles(dir), []);
  }));

  test('decimal bounds are exact, under 2^53 and beyond it', () => withTempDir('lakehouse-convert-', async (dir) => {
    const decimals = (precision: number, unscaled: bigint[]): Table => {
      const words = new Uint32Array(unscaled.length * 4);
      unscaled.forEach((u, i) => {
        const wide = BigInt.asUintN(128, u);
        for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((wide >> BigInt(32 * w)) & 0xffffffffn);
      });
      const type = new Decimal(2, precision, 128);
      return new Table({ amount: makeVector(makeData({ type, length: unscaled.length, nullCount: 0, data: words })) });
    };
    const big = 2n ** 50n;
    await writeParquetFile(join(dir, 'small.parquet'), decimals(18, [-5n, big - 1n, 123n]));
    await writeParquetFile(join(dir, 'large.parquet'), decimals(18, [-(big + 7n), 1n, 999_999_999_999_999_999n]));
    await writeParquetFile(join(dir, 'wide.parquet'), decimals(18, [-(big - 1n), 10n ** 17n + 1n]));
    await convertToDelta(dir, { partitionBy: [] });
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    const bounds = (path: string): unknown => {
      const stats = parseFileStats(snapshot.files().find((f) => f.path === path)?.stats, snapshot.schema, 'none');
      return [stats?.min(['amount']), stats?.max(['amount'])];
    };
    assert.deepEqual(bounds('small.parquet'), [{ unscaled: -5n, scale: 2 }, { unscaled: big - 1n, scale: 2 }]);
    assert.deepEqual(bounds('large.parquet'), [{ unscaled: -(big + 7n), scale: 2 }, { unscaled: 999_999_999_999_999_999n, scale: 2 }]);
    assert.deepEqual(bounds('wide.parquet'), [{ unscaled: -(big - 1n), scale: 2 }, { unscaled: 10n ** 17n + 1n, scale: 2 }]);
  }));

  test('double bounds only from parquet-mr footers: other writers leave NaN out of min/max', () => withTempDir('lakehouse-convert-', async (dir) => {
    const floats = (values: number[]): Table => tableFromArrays({
      id: BigInt64Array.from(values, (_, i) => BigInt(i)), d: Float64Array.from(values),
    });
    // Our own Parquet writer says created_by "lakehouse-studio" and leaves the NaN out of max 3.
    await writeParquetFile(join(dir, 'ours.parquet'), floats([1, NaN, 3]));
    // The same writer's bytes with created_by rewritten (same length) as parquet-mr's, which Spark writes.
    const bytes = Buffer.from(encodeParquet(floats([1, 2.5]).batches, {}));
    const at = bytes.lastIndexOf('lakehouse-studio');
    assert.ok(at > 0);
    bytes.write('parquet-mr 1.17 ', at, 'latin1');
    await writeFile(join(dir, 'spark.parquet'), bytes);

    await convertToDelta(dir);
    const snapshot = await (await DeltaTable.open(dir)).snapshot();
    const stats = (path: string) => parseFileStats(snapshot.files().find((f) => f.path === path)?.stats, snapshot.schema, 'none');
    assert.deepEqual([stats('ours.parquet')?.min(['d']), stats('ours.parquet')?.max(['d']), stats('ours.parquet')?.max(['id'])], [undefined, undefined, 2n]);
    assert.equal(stats('ours.parquet')?.nullCount(['d']), 0);
    assert.deepEqual([stats('spark.parquet')?.min(['d']), stats('spark.parquet')?.max(['d'])], [1, 2.5]);
    // So `d > 2.6` skips the parquet-mr file but must read ours, whose NaN matches it in Spark's order.
    const read = snapshot.scan({ where: 'd > 2.6' }).plan().map((f) => f.path);
    assert.deepEqual(read, ['ours.parquet']);
  }));

  test('a local folder and the same folder as an ObjectStore commit the same adds; footers over 64 KiB and nested structs', () => withTempDir('lakehouse-convert-', async (dir) => {
    // 400 long columns with long names: a footer of several hundred KiB, read in a second positioned read.
    const wide: Record<string, BigInt64Array> = {};
    for (let c = 0; c < 400; c++) wide[`column_with_a_rather_long_name_to_grow_the_footer_${String(c).padStart(3, '0')}`] = BigInt64Array.from([BigInt(c), BigInt(-c)]);
    await writeParquetFile(join(dir, 'local', 'wide.parquet'), tableFromArrays(wide));
    const nested = new Table({
      id: vectorFromArray([3n, 1n, 2n]),
      s: vectorFromArray([{ a: 5, b: 'x' }, { a: -7, b: null }, null], new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)])),
    });
    await writeParquetFile(join(dir, 'local', 'nested.parquet'), nested, 2);
    await mkdir(join(dir, 'store'));
    for (const name of ['wide.parquet', 'nested.parquet']) await writeFile(join(dir, 'store', name), await readFile(join(dir, 'local', name)));
    const footerBytes = (await readFile(join(dir, 'local', 'wide.parquet'))).readUInt32LE((await stat(join(dir, 'local', 'wide.parquet'))).size - 8);
    assert.ok(footerBytes > 64 * 1024, `footer of ${footerBytes} bytes`);

    await convertToDelta(join(dir, 'local'));
    await convertToDelta(new LocalFileStore(join(dir, 'store')));
    const adds = async (table: string): Promise<Array<[string, string | null | undefined]>> =>
      (await (await DeltaTable.open(table)).snapshot()).files().map((f) => [f.path, f.stats]);
    const local = await adds(join(dir, 'local'));
    assert.deepEqual(local, await adds(join(dir, 'store')));

    const stats = (path: string) => JSON.parse(local.find(([p]) => p === path)?.[1] ?? '{}') as Record<string, Record<string, unknown>>;
    assert.deepEqual(stats('nested.parquet'), {
      numRecords: 3,
      minValues: { id: 1, s: { a: -7, b: 'x' } },
      maxValues: { id: 3, s: { a: 5, b: 'x' } },
      nullCount: { id: 0, s: { a: 1, b: 2 } },
    });
    const wideStats = stats('wide.parquet');
    assert.equal(wideStats.minValues?.column_with_a_rather_long_name_to_grow_the_footer_399, -399);
    assert.equal(wideStats.maxValues?.column_with_a_rather_long_name_to_grow_the_footer_399, 399);
  }));

  test('footers read out of order from a store are committed in listing order; a struct with only nulls has no bounds', () => withTempDir('lakehouse-convert-', async (dir) => {
    const nullStruct = new Table({
      id: vectorFromArray([1n, 2n]),
      s: vectorFromArray([null, { a: null }], new Struct([new Field('a', new Int32(), true)])),
    });
    for (let i = 0; i < 12; i++) await writeParquetFile(join(dir, `k=${i % 3}`, `f${String(i).padStart(2, '0')}.parquet`), nullStruct);
    const store = new LocalFileStore(dir);
    // Later files answer first: the reads finish in reverse order of the listing.
    let reads = 0;
    const slowFirst = Object.assign(Object.create(store) as LocalFileStore, {
      getRange: async (path: string, start: number, end: number): Promise<Uint8Array> => {
        const delay = 40 - 3 * reads++;
        await new Promise((done) => setTimeout(done, Math.max(0, delay)));
        return store.getRange(path, start, end);
      },
    });
    await convertToDelta(slowFirst, { concurrency: 12 });
    const commit = await readFile(join(dir, '_delta_log', '00000000000000000000.json'), 'utf8');
    const adds = commit.trim().split('\n').map((line) => JSON.parse(line) as { add?: { path: string; stats: string } }).flatMap((a) => (a.add ? [a.add] : []));
    const listed = Array.from({ length: 12 }, (_, i) => `k=${i % 3}/f${String(i).padStart(2, '0')}.parquet`).sort();
    assert.deepEqual(adds.map((a) => a.path), listed);
    assert.deepEqual(JSON.parse(adds[0]?.stats ?? '{}'), { numRecords: 2, minValues: { id: 1 }, maxValues: { id: 2 }, nullCount: { id: 0, s: { a: 2 } } });
  }));

  test('adds past the 1 MiB buffer are spilled to a temporary file, committed whole, and the file is deleted, also after a failure', () => withTempDir('lakehouse-convert-', async (dir) => {
    const spillDirs = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('lakehouse-adds-'));
    const before = new Set(spillDirs());
    // 400 columns: about 23 KB of statistics a file, 1.4 MB for 60 files.
    const wide: Record<string, BigInt64Array> = {};
    for (let c = 0; c < 400; c++) wide[`column_${String(c).padStart(3, '0')}`] = BigInt64Array.from([BigInt(c), BigInt(-c)]);
    await writeParquetFile(join(dir, 'ok', 'f00.parquet'), tableFromArrays(wide));
    const bytes = await readFile(join(dir, 'ok', 'f00.parquet'));
    for (let i = 1; i < 60; i++) await writeFile(join(dir, 'ok', `f${String(i).padStart(2, '0')}.parquet`), bytes);
    await mkdir(join(dir, 'bad'));
    for (let i = 0; i < 60; i++) await writeFile(join(dir, 'bad', `f${String(i).padStart(2, '0')}.parquet`), bytes);
    await writeFile(join(dir, 'bad', 'z-not-parquet.parquet'), 'not a parquet file');

    await convertToDelta(join(dir, 'ok'));
    const files = (await (await DeltaTable.open(join(dir, 'ok'))).snapshot()).files();
    assert.equal(files.length, 60);
    const commit = await readFile(join(dir, 'ok', '_delta_log', '00000000000000000000.json'), 'utf8');
    assert.ok(commit.length > 1024 * 1024, `${commit.length} bytes`);
    for (const file of files) assert.equal(JSON.parse(file.stats ?? '{}').maxValues.column_399, 399);
    await assert.rejects(convertToDelta(join(dir, 'bad')));
    assert.deepEqual(spillDirs().filter((name) => !before.has(name)), []);
  }));
});
