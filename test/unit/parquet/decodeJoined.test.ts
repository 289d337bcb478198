import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import { decodeJoined } from '../../../src/parquet/decodeJoined';
import { wasmZstdLoaded } from '../../../src/parquet/flatDecoder/wasmZstd';
import { nativeZstdBindings } from '../../../src/parquet/nativeZstdBindings';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { ParquetDecodeError } from '../../../src/parquet/parquetDecodeError';
import { encodeParquet, type ParquetCompression } from '../../../src/parquet/writeParquet';
import { ZstdFrameBatch } from '../../../src/parquet/zstdFrameBatch';

/** A small file's rows: ids from `first`, a string with nulls, a double; `extra` adds a column (another shape). */
function batch(first: number, rows: number, extra = false): RecordBatch {
  const fields = [new Field('id', new Int64(), false), new Field('name', new Utf8(), true), new Field('v', new Float64(), true)];
  const children: Data[] = [
    makeData({ type: new Int64(), length: rows, nullCount: 0, data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(first + i)) }),
    vectorFromArray(Array.from({ length: rows }, (_, i) => ((first + i) % 7 === 0 ? null : `name ${(first + i) % 13}`)), new Utf8()).data[0] as Data,
    vectorFromArray(Array.from({ length: rows }, (_, i) => (first + i) / 4), new Float64()).data[0] as Data,
  ];
  if (extra) {
    fields.push(new Field('extra', new Utf8(), true));
    children.push(vectorFromArray(Array.from({ length: rows }, (_, i) => `x${i}`), new Utf8()).data[0] as Data);
  }
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }));
}

function file(first: number, rows: number, compression: ParquetCompression = 'zstd', extra = false): Uint8Array {
  return encodeParquet([batch(first, rows, extra)], { compression });
}

/** Every row of the batches as plain values (bigints as text), in order. */
function rowsOf(batches: readonly RecordBatch[]): string[] {
  return batches.flatMap((b) => b.toArray().map((row: object) => JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))));
}

function decodedOneByOne(files: readonly Uint8Array[]): string[] {
  return rowsOf(files.flatMap((bytes) => decodeParquet(bytes).batches));
}

describe('decodeJoined: many small Parquet files decoded together', () => {
  before(async () => {
    await wasmZstdLoaded();
  });

  test('files of one shape come back as one batch holding every row in order, as decoded one by one', async () => {
    const files = Array.from({ length: 40 }, (_, i) => file(i * 50, 50 + (i % 3)));
    const batches = await decodeJoined(files);
    assert.equal(batches.length, 1);
    assert.equal(batches[0]?.numRows, files.reduce((n, _, i) => n + 50 + (i % 3), 0));
    assert.deepEqual(rowsOf(batches), decodedOneByOne(files));
    // Nulls of the string column survive the join (every 7th id).
    const names = batches[0]?.getChild('name');
    assert.equal(names?.get(0), null);
    assert.equal(names?.get(1), 'name 1');
    const ids = Array.from(batches[0]?.getChild('id')?.toArray() as BigInt64Array);
    assert.equal(names?.nullCount, ids.filter((id) => id % 7n === 0n).length);
  });

  test('a file of another shape starts a new batch; snappy and uncompressed files join by shape too', async () => {
    const files = [file(0, 30), file(30, 30, 'snappy'), file(60, 30, 'zstd', true), file(90, 30, 'uncompressed'), file(120, 30)];
    const batches = await decodeJoined(files);
    assert.deepEqual(batches.map((b) => b.numRows), [60, 30, 60]);
    assert.deepEqual(batches.map((b) => b.schema.fields.length), [3, 4, 3]);
    assert.deepEqual(rowsOf(batches), decodedOneByOne(files));
  });

  test('bytes that are not a Parquet file raise ParquetDecodeError naming their position', async () => {
    const files = [file(0, 10), new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), file(10, 10)];
    await assert.rejects(decodeJoined(files), (error: unknown) => error instanceof ParquetDecodeError && /file 2 of 3/.test(error.message));
  });
});

describe('ZstdFrameBatch: ZSTD frames decompressed in one native call', () => {
  const compress = nativeZstdBindings()?.compress as ((data: Buffer, level: number) => Promise<Buffer>) | undefined;
  const decompress = nativeZstdBindings()?.decompress as ((data: Buffer) => Promise<Buffer>) | undefined;

  test('each frame gets its own content, cut from one native call by the sizes given', async () => {
    assert.ok(compress && decompress, 'the @mongodb-js/zstd binding is a dependency');
    const contents = [100, 1000, 100_000].map((size, k) => Uint8Array.from({ length: size }, (_, i) => (i * (k + 3)) % 251));
    const frames = await Promise.all(contents.map(async (content) => new Uint8Array(await compress(Buffer.from(content), 2))));
    let calls = 0;
    const batch = new ZstdFrameBatch((bytes) => {
      calls++;
      return decompress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
    assert.deepEqual(frames.map((frame, i) => batch.add(frame, contents[i]?.length ?? 0)), [0, 1, 2]);
    const bodies = await batch.flush();
    assert.equal(calls, 1);
    bodies.forEach((body, i) => assert.deepEqual(body, contents[i]));
  });

  test('frames that decompress to other sizes than given fail the batch', async () => {
    assert.ok(compress && decompress, 'the @mongodb-js/zstd binding is a dependency');
    const batch = new ZstdFrameBatch((bytes) => decompress(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    batch.add(new Uint8Array(await compress(Buffer.from('eleven char'), 2)), 12);
    await assert.rejects(batch.flush(), /decompressed to 11 bytes, their headers say 12/);
  });
});
