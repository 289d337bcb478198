import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Binary, Bool, DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8,
  makeData, vectorFromArray, type DataType,
} from 'apache-arrow';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../../src/parquet/flatEncoder/nativeZstd';
import { encodeParquet, type ParquetCompression } from '../../../src/parquet/writeParquet';
import { GOLDEN_DIR } from '../../conformance/goldenCorpus';
import { wasmZstdLoaded } from '../../../src/parquet/flatDecoder/wasmZstd';
import { compareDecoders } from './flatDecoderCorpus';

/** Spark-written tables: INT96 and micros/millis timestamps, decimals (dictionaries, v2 pages), field ids, dates, nested (fallback). */
const TABLES = [
  'data-reader-primitives', 'decimal-various-scale-precision', 'kernel-timestamp-int96', 'kernel-timestamp-timestamp_micros',
  'kernel-timestamp-timestamp_millis', 'parquet-decimal-dictionaries', 'parquet-decimal-dictionaries-v2', 'parquet-decimal-type',
  'data-reader-timestamp_ntz-id-mode', 'data-skipping-basic-stats-all-types', 'basic-decimal-table-legacy', 'data-reader-date-types-utc',
  'table-with-columnmapping-mode-id', 'data-reader-nested-struct', 'parquet-all-types', 'dv-partitioned-with-checkpoint',
];

function parquetFiles(dir: string): string[] {
  // The tables' `expected/` copies repeat the data (some 100K rows each): only the Delta tables' files.
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet') && f.startsWith('delta/'))
    .map((f) => join(dir, f));
}

describe('flat Parquet decoder vs parquet-wasm on Spark-written golden tables', () => {
  let root = '';
  before(async () => {
    assert.ok(await wasmZstdLoaded(), 'the WebAssembly ZSTD decoder loads');
    root = mkdtempSync(join(tmpdir(), 'flat-decoder-golden-'));
    for (const name of TABLES) execFileSync('tar', ['--zstd', '-xf', join(GOLDEN_DIR, `${name}.tar.zst`), '-C', root]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('data and checkpoint files: same schema and values; flat ones decoded by the flat decoder', () => {
    const decodedFlat = new Set<string>();
    let files = 0;
    for (const name of TABLES) {
      for (const file of parquetFiles(join(root, name))) {
        files++;
        const bytes = new Uint8Array(readFileSync(file));
        if (compareDecoders(bytes, {}, file) && !file.includes('_delta_log')) decodedFlat.add(name);
      }
    }
    assert.ok(files > 40, `${files} files`);
    // Tables with only primitive columns must not fall back (nested ones, and checkpoints, do);
    // the decimal dictionaries tables hold DELTA_BINARY_PACKED pages (Spark's v2 writer).
    const fallback = ['data-reader-nested-struct', 'parquet-all-types', 'table-with-columnmapping-mode-id'];
    assert.deepEqual([...decodedFlat].sort(), TABLES.filter((t) => !fallback.includes(t)).sort());
  });
});

const ROWS = 3000;

function sampleBatch(): RecordBatch {
  const fields: Array<[string, DataType, boolean, unknown[]]> = [
    ['id', new Int64(), false, Array.from({ length: ROWS }, (_, i) => BigInt(i) * 7919n - 10_000n)],
    ['x', new Float64(), true, Array.from({ length: ROWS }, (_, i) => (i % 9 === 0 ? null : i / 7))],
    ['name', new Utf8(), true, Array.from({ length: ROWS }, (_, i) => (i % 5 === 0 ? null : `name-${i % 37}-ü`))],
    ['flag', new Bool(), true, Array.from({ length: ROWS }, (_, i) => (i % 4 === 0 ? null : i % 3 === 0))],
    ['at', new TimestampMicrosecond('UTC'), true, Array.from({ length: ROWS }, (_, i) => (i % 6 === 0 ? null : 1_700_000_000_000 + i))],
    ['local', new TimestampMicrosecond(), true, Array.from({ length: ROWS }, (_, i) => 1_600_000_000_000 - i * 1000)],
    ['day', new DateDay(), true, Array.from({ length: ROWS }, (_, i) => (i % 8 === 0 ? null : new Date(86_400_000 * (i - 1000))))],
    ['bytes', new Binary(), true, Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? null : Uint8Array.of(i % 256, 1, 2)))],
    ['n', new Int32(), true, Array.from({ length: ROWS }, (_, i) => (i % 10 === 0 ? null : i - 1500))],
  ];
  const schemaFields = fields.map(([name, type, nullable]) => new Field(name, type, nullable, name === 'n' ? new Map([['PARQUET:field_id', '7']]) : undefined));
  const children = fields.map(([, type, , values]) => vectorFromArray(values, type).data[0]!);
  const decimalWords = new Uint32Array(ROWS * 4);
  for (let i = 0; i < ROWS; i++) {
    const v = BigInt.asUintN(128, BigInt(i) * 12_345n * (i % 2 ? -1n : 1n));
    for (let w = 0; w < 4; w++) decimalWords[i * 4 + w] = Number((v >> BigInt(32 * w)) & 0xffffffffn);
  }
  const decimal = new Decimal(2, 12, 128);
  schemaFields.push(new Field('amount', decimal, false));
  children.push(makeData({ type: decimal, length: ROWS, data: decimalWords }));
  const schema = new Schema(schemaFields);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: ROWS, children }));
}

describe('flat Parquet decoder vs parquet-wasm on files our writers write', () => {
  const batch = sampleBatch();
  before(async () => {
    assert.ok(await wasmZstdLoaded(), 'the WebAssembly ZSTD decoder loads');
  });

  test('parquet-wasm writer, every codec, several row groups and plain columns', () => {
    for (const compression of ['zstd', 'snappy', 'gzip', 'uncompressed'] as ParquetCompression[]) {
      for (const plainColumns of [[], ['name', 'id']]) {
        const bytes = encodeParquet([batch], { compression, rowGroupSize: 1000, plainColumns });
        assert.ok(compareDecoders(bytes, {}, `${compression} ${plainColumns.join()}`), compression);
        assert.ok(compareDecoders(bytes, { rowGroups: [1], batchSize: 333 }, `${compression} group 1`));
      }
    }
    assert.equal(compareDecoders(encodeParquet([batch], { compression: 'lz4' }), {}, 'lz4'), false, 'LZ4 is left to parquet-wasm');
  });

  test('flat encoder (native ZSTD and uncompressed)', async () => {
    assert.ok(nativeZstd(), 'the native ZSTD module loads on this platform');
    for (const compression of ['zstd', 'uncompressed'] as ParquetCompression[]) {
      const encoder = flatParquetEncoder(batch.schema, { compression, rowGroupSize: 1200 });
      assert.ok(encoder, compression);
      await encoder.write(batch);
      const bytes = await encoder.finish();
      assert.ok(compareDecoders(bytes, {}, `flat encoder ${compression}`));
      assert.ok(compareDecoders(bytes, { columns: ['amount', 'name'], offset: 1100, limit: 200 }, `flat encoder ${compression} projected`));
    }
  });
});
