import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, Table, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { FlatRowGroupReader } from '../../../src/delta/write/flatRowGroupReader';
import { recycleTable } from '../../../src/parquet/flatDecoder/recycledBuffers';
import { decodeParquetWasm } from '../../../src/parquet/readParquet';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { rowsOf } from '../../helpers/rowGroupFiles';
import { seededRandom } from '../../helpers/seededRandom';

const ROWS = 3000;
/** Rows of a group of ~1.8 MiB of noise: over the size decoded in the worker pool. */
const POOL_GROUP_ROWS = 12_000;

/**
 * Three row groups of 1,000 rows: a unique key, a repeating string (dictionary pages), a double with
 * NULLs and a unique 100-byte string (pages over 64 KiB, which ZSTD decompresses natively).
 */
function threeGroupFile(compression: 'snappy' | 'uncompressed' | 'zstd'): Uint8Array {
  const table = new Table({
    id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => BigInt(i * 7)), new Int64()),
    name: vectorFromArray(Array.from({ length: ROWS }, (_, i) => `name-${i % 13}`), new Utf8()),
    v: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 10 === 0 ? null : i / 4)), new Float64()),
    note: vectorFromArray(Array.from({ length: ROWS }, (_, i) => `${String(i).padStart(6, '0')} ${'abcdefghij'.repeat(9)}`), new Utf8()),
  });
  return encodeParquet(table.batches, { compression, rowGroupSize: 1000 });
}

/** The memory under every column of `table` (values, offsets, validity). */
function buffersOf(table: Table): Set<ArrayBufferLike> {
  const buffers = new Set<ArrayBufferLike>();
  const add = (data: Data): void => {
    for (const array of [data.values, data.valueOffsets, data.nullBitmap] as (ArrayLike<unknown> & { buffer?: ArrayBufferLike })[]) {
      if (array?.buffer) buffers.add(array.buffer);
    }
    for (const child of data.children) add(child);
  };
  for (const batch of table.batches) add(batch.data);
  return buffers;
}

describe('FlatRowGroupReader', () => {
  test('reads one row group\'s columns by range, the same values as decoding the whole file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'row-group-reader-'));
    try {
      for (const compression of ['snappy', 'uncompressed', 'zstd'] as const) {
        const bytes = threeGroupFile(compression);
        await writeFile(join(dir, `${compression}.parquet`), bytes);
        const reader = await FlatRowGroupReader.open(new LocalFileStore(dir), `${compression}.parquet`, bytes.byteLength);
        assert.ok(reader, compression);
        assert.deepEqual(reader.rowGroups, [1000, 1000, 1000]);
        assert.equal(reader.reads(['id', 'name', 'v', 'note']), true);
        for (const [group, columns] of [[0, ['id', 'name', 'v', 'note']], [1, ['v', 'name']], [2, ['note']]] as const) {
          const ranged = await reader.read(columns, group, 256);
          assert.ok(ranged);
          assert.equal(ranged.batches.length, 4, 'batches of 256 rows');
          const whole = decodeParquetWasm(bytes, { columns: [...columns], rowGroups: [group] });
          assert.deepEqual(ranged.schema.fields.map((f) => f.name), whole.schema.fields.map((f) => f.name));
          assert.deepEqual(rowsOf(ranged), rowsOf(whole), `${compression} group ${group}`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a read the caller recycles takes the buffers given back; a read it does not takes fresh memory and leaves them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'row-group-reader-'));
    try {
      const bytes = threeGroupFile('zstd');
      await writeFile(join(dir, 'file.parquet'), bytes);
      const reader = await FlatRowGroupReader.open(new LocalFileStore(dir), 'file.parquet', bytes.byteLength);
      assert.ok(reader);
      const columns = ['id', 'name', 'v', 'note'];
      const first = await reader.read(columns, 0, 256, false, true);
      assert.ok(first);
      const given = buffersOf(first);
      recycleTable(first);
      const kept = await reader.read(columns, 1, 256, false, false);
      assert.ok(kept);
      assert.deepEqual([...buffersOf(kept)].filter((buffer) => given.has(buffer)), [], 'no recycled buffer in a table nobody gives back');
      assert.deepEqual(rowsOf(kept), rowsOf(decodeParquetWasm(bytes, { columns, rowGroups: [1] })));
      const recycled = await reader.read(columns, 2, 256, false, true);
      assert.ok(recycled);
      assert.ok([...buffersOf(recycled)].some((buffer) => given.has(buffer)), 'the recycled read reuses the buffers given back');
      assert.deepEqual(rowsOf(recycled), rowsOf(decodeParquetWasm(bytes, { columns, rowGroups: [2] })));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a file that is not Parquet, or whose size is wrong, gets no reader (the caller reads it whole)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'row-group-reader-'));
    try {
      const store = new LocalFileStore(dir);
      await writeFile(join(dir, 'text.parquet'), 'not a parquet file at all, just some text');
      assert.equal(await FlatRowGroupReader.open(store, 'text.parquet', 42), undefined);
      const bytes = threeGroupFile('snappy');
      await writeFile(join(dir, 'f.parquet'), bytes);
      assert.equal(await FlatRowGroupReader.open(store, 'f.parquet', bytes.byteLength - 100), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('groups over 1 MiB decoded in the worker pool from reused shared bytes: each table keeps its rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'row-group-reader-'));
    const random = seededRandom(7);
    const rows = 3 * POOL_GROUP_ROWS;
    const noise = Array.from({ length: rows }, () => Array.from({ length: 16 }, () => Math.floor(random() * 2 ** 48).toString(36)).join(''));
    const table = new Table({
      id: vectorFromArray(Array.from({ length: rows }, (_, i) => BigInt(i)), new Int64()),
      noise: vectorFromArray(noise, new Utf8()),
    });
    try {
      for (const compression of ['snappy', 'zstd'] as const) {
        const bytes = encodeParquet(table.batches, { compression, rowGroupSize: POOL_GROUP_ROWS });
        assert.ok(bytes.byteLength > 3 * 1024 * 1024, `${compression}: groups over 1 MiB`);
        await writeFile(join(dir, `${compression}.parquet`), bytes);
        const reader = await FlatRowGroupReader.open(new LocalFileStore(dir), `${compression}.parquet`, bytes.byteLength);
        assert.ok(reader, compression);
        const decoded: Table[] = [];
        for (const group of [0, 1, 2]) {
          const ranged = await reader.read(['id', 'noise'], group, 10_000, true);
          assert.ok(ranged);
          decoded.push(ranged);
        }
        for (const [group, ranged] of decoded.entries()) {
          const whole = decodeParquetWasm(bytes, { rowGroups: [group] });
          assert.deepEqual(rowsOf(ranged), rowsOf(whole), `${compression} group ${group}, read after the later groups`);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
