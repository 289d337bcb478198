import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Binary, Bool, DateDay, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8, List, RecordBatch, Schema, Struct,
  TimestampMicrosecond, Utf8, makeData, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { FlatParquetEncoder, flatColumns, flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../../src/parquet/flatEncoder/nativeZstd';
import { decodeParquet } from '../../../src/parquet/readParquet';

const ROWS = 70_000; // more than one 64K-row page
const INT64_EDGES = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n];
const DOUBLE_EDGES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1.5, -2.25];
const STRINGS = ['', 'plain', '日本語 🙂 ünïcödé', 'x'.repeat(100)];
const DECIMALS: Record<number, bigint[]> = {
  9: [-999_999_999n, 999_999_999n, 0n, -1n, 12_345n],
  18: [-(10n ** 18n - 1n), 10n ** 18n - 1n, -5n, 123_456_789_012n],
  38: [-(10n ** 38n - 1n), 10n ** 38n - 1n, -(2n ** 64n) - 7n, 2n ** 70n],
};

/** Row i is null every 7th row in nullable columns (column `k` shifts the pattern). */
const isNull = (i: number, k: number): boolean => (i + k) % 7 === 0;
const pick = <T>(values: readonly T[], i: number): T => values[i % values.length] as T;

function nullable<T>(k: number, value: (i: number) => T): Array<T | null> {
  return Array.from({ length: ROWS }, (_, i) => (isNull(i, k) ? null : value(i)));
}

function decimalVector(precision: number, scale: number, k: number): Vector {
  const words = new Uint32Array(ROWS * 4);
  const validity = new Uint8Array(Math.ceil(ROWS / 8));
  for (let i = 0; i < ROWS; i++) {
    if (isNull(i, k)) continue;
    validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
    let v = BigInt.asUintN(128, pick(DECIMALS[precision] as bigint[], i) + BigInt(i % 3));
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  }
  const type = new Decimal(scale, precision, 128);
  return vectorFromData(type, makeData({ type, length: ROWS, nullCount: -1, nullBitmap: validity, data: words }));
}

function vectorFromData(type: DataType, data: ReturnType<typeof makeData>): Vector {
  return new RecordBatch(new Schema([new Field('x', type, true)]), makeData({ type: new Struct([new Field('x', type, true)]), length: ROWS, children: [data] })).getChildAt(0) as Vector;
}

function sampleBatch(): RecordBatch {
  const columns: Record<string, Vector> = {
    flag: vectorFromArray(nullable(0, (i) => i % 3 === 0), new Bool()),
    tiny: vectorFromArray(nullable(1, (i) => pick([-128, 127, 0, -1], i)), new Int8()),
    small: vectorFromArray(nullable(2, (i) => pick([-32768, 32767, 5], i)), new Int16()),
    int: vectorFromArray(nullable(3, (i) => pick([-(2 ** 31), 2 ** 31 - 1, i], i)), new Int32()),
    long: vectorFromArray(nullable(4, (i) => pick(INT64_EDGES, i)), new Int64()),
    single: vectorFromArray(nullable(5, (i) => pick([1.5, -3.25, Number.POSITIVE_INFINITY], i)), new Float32()),
    double: vectorFromArray(nullable(6, (i) => pick(DOUBLE_EDGES, i)), new Float64()),
    text: vectorFromArray(nullable(0, (i) => `${pick(STRINGS, i)}${i % 5 === 0 ? '' : i}`), new Utf8()),
    bytes: vectorFromArray(nullable(1, (i) => Uint8Array.of(i & 0xff, 0, 0xff)), new Binary()),
    day: vectorFromArray(nullable(2, (i) => (i - 40_000) * 86_400_000), new DateDay()),
    at: vectorFromArray(nullable(3, (i) => (i - 35_000) * 1_000_003), new TimestampMicrosecond('UTC')),
    local: vectorFromArray(nullable(4, (i) => (i - 1000) * 997), new TimestampMicrosecond()),
    dec9: decimalVector(9, 2, 5),
    dec18: decimalVector(18, 4, 6),
    dec38: decimalVector(38, 10, 0),
  };
  const fields = Object.entries(columns).map(([name, v]) => new Field(name, v.type, true, name === 'int' ? new Map([['PARQUET:field_id', '42']]) : undefined));
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: ROWS, children: Object.values(columns).map((v) => v.data[0]!) }));
}

async function encode(batch: RecordBatch, compression: 'zstd' | 'uncompressed', slices: number[]): Promise<Uint8Array> {
  const encoder = flatParquetEncoder(batch.schema, { compression, rowGroupSize: 50_000 });
  assert.ok(encoder, 'the flat encoder takes this schema');
  let at = 0;
  // Uneven slices: batches whose validity bitmaps start inside a byte.
  for (const end of [...slices, ROWS]) {
    await encoder.write(batch.slice(at, end));
    at = end;
  }
  return encoder.finish();
}

/** A comparable form of one Arrow value (typed arrays as plain arrays, -0 and NaN kept apart). */
function comparable(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (typeof value === 'number' && (Number.isNaN(value) || Object.is(value, -0))) return String(value === 0 ? '-0' : value);
  return value;
}

test('native ZSTD compresses at the level asked for (the package\'s main entry drops it)', async () => {
  const zstd = nativeZstd();
  assert.ok(zstd, 'the native ZSTD module loads on this platform');
  // Text-like bytes: compressible, so levels 1 and 19 give different sizes.
  const words = ['order', 'customer', 'fallout', 'churn', 'lakehouse', 'delta'];
  const text = new TextEncoder().encode(Array.from({ length: 40_000 }, (_, i) => `${words[(i * 7) % 6]}-${i % 977}`).join(' '));
  const fast = await zstd(text, 1);
  const small = await zstd(text, 19);
  assert.ok(small.length < fast.length, `level 19 (${small.length} bytes) is smaller than level 1 (${fast.length} bytes)`);
});

describe('FlatParquetEncoder', () => {
  const batch = sampleBatch();

  test('parquet-wasm (arrow-rs) reads every value of a ZSTD file back', async () => {
    assert.ok(nativeZstd(), 'the native ZSTD module loads on this platform');
    const bytes = await encode(batch, 'zstd', [1003, 30_001, 64_000]);
    const table = decodeParquet(bytes);
    assert.equal(table.numRows, ROWS);
    for (const field of batch.schema.fields) {
      const expected = batch.getChild(field.name) as Vector;
      const actual = table.getChild(field.name) as Vector;
      assert.equal(String(actual.type), String(expected.type), field.name);
      for (let i = 0; i < ROWS; i++) {
        assert.deepEqual(comparable(actual.get(i)), comparable(expected.get(i)), `${field.name} row ${i}`);
      }
    }
  });

  test('hyparquet reads every value of an uncompressed file back, and its statistics', async () => {
    const bytes = await encode(batch, 'uncompressed', [7, 65_540]);
    const file = bytes.slice().buffer;
    const rows = await parquetReadObjects({ file, utf8: false, parsers: { timestampFromMicroseconds: (v: bigint) => v, dateFromDays: (d: number) => d } });
    assert.equal(rows.length, ROWS);
    const raw = (name: string, i: number): unknown => (batch.getChild(name) as Vector).get(i);
    for (let i = 0; i < ROWS; i++) {
      const row = rows[i] as Record<string, unknown>;
      for (const name of ['flag', 'tiny', 'small', 'int', 'long', 'single', 'double', 'text', 'local', 'at']) {
        const expected = raw(name, i);
        assert.deepEqual(comparable(row[name]), comparable(typeof expected === 'number' && (name === 'at' || name === 'local') ? BigInt(expected * 1000) : expected), `${name} row ${i}`);
      }
      assert.deepEqual(row.bytes === null ? null : Array.from(row.bytes as Uint8Array), comparable(raw('bytes', i)));
      const day = raw('day', i) as number | null;
      assert.equal(row.day, day === null ? null : day / 86_400_000, `day row ${i}`);
      for (const [name, precision, scale] of [['dec9', 9, 2], ['dec18', 18, 4], ['dec38', 38, 10]] as const) {
        const unscaled = isNull(i, { dec9: 5, dec18: 6, dec38: 0 }[name]) ? null : pick(DECIMALS[precision] as bigint[], i) + BigInt(i % 3);
        const value = row[name] as number | null;
        if (unscaled === null) assert.equal(value, null);
        else {
          const expected = Number(unscaled) / 10 ** scale;
          assert.ok(Math.abs((value as number) - expected) <= Math.abs(expected) * 1e-15, `${name} row ${i}: ${value} vs ${expected}`);
        }
      }
    }
    const metadata = parquetMetadata(file);
    assert.deepEqual(metadata.row_groups.map((g) => Number(g.num_rows)), [50_000, 20_000]);
    const stats = (group: number, name: string): Record<string, unknown> => {
      const chunk = metadata.row_groups[group]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name);
      return chunk?.meta_data?.statistics as unknown as Record<string, unknown>;
    };
    const doubles = stats(0, 'double');
    assert.equal(doubles.min_value, Number.NEGATIVE_INFINITY, 'NaN is never a bound');
    assert.equal(doubles.max_value, Number.POSITIVE_INFINITY);
    assert.equal(doubles.null_count, 7143n);
    assert.deepEqual([stats(0, 'long').min_value, stats(0, 'long').max_value], [-(2n ** 63n), 2n ** 63n - 1n]);
    assert.deepEqual([stats(0, 'int').min_value, stats(0, 'int').max_value], [-(2 ** 31), 2 ** 31 - 1]);
    assert.deepEqual([stats(0, 'flag').min_value, stats(0, 'flag').max_value], [false, true]);
    // Bounds in UTF-8 byte order (the unicode value sorts after 'x'), over the first row group.
    const texts = Array.from({ length: 50_000 }, (_, i) => raw('text', i) as string | null).filter((t) => t !== null).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual([stats(0, 'text').min_value, stats(0, 'text').max_value], [texts[0], texts.at(-1)]);
    assert.equal(texts[0], '');
    const days = (value: unknown): number => (value as Date).getTime() / 86_400_000;
    assert.deepEqual([days(stats(0, 'day').min_value), days(stats(0, 'day').max_value)], [-40_000, 9_998]); // row 49,999 is null
    assert.deepEqual([stats(0, 'dec9').min_value, stats(0, 'dec9').max_value], [-9_999_999.99, 10_000_000.01]);
    const dec38 = stats(0, 'dec38');
    assert.ok((dec38.min_value as number) < -9.9e27 && (dec38.max_value as number) > 9.9e27, JSON.stringify(dec38, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    const schema = metadata.schema.find((e) => e.name === 'int');
    assert.equal(schema?.field_id, 42);
    assert.equal(metadata.schema.find((e) => e.name === 'local')?.converted_type, undefined, 'no TIMESTAMP_MICROS (UTC) on a local timestamp');
  });

  test('a column of only NaN and nulls has no bounds', async () => {
    const values = vectorFromArray(Array.from({ length: 10 }, (_, i) => (i % 2 ? null : Number.NaN)), new Float64());
    const columns = flatColumns(new Schema([new Field('d', new Float64(), true)]));
    assert.ok(columns);
    const encoder = new FlatParquetEncoder(columns, { zstd: undefined });
    await encoder.write(new RecordBatch(new Schema([new Field('d', new Float64(), true)]), makeData({ type: new Struct([new Field('d', new Float64(), true)]), length: 10, children: [values.data[0]!] })));
    const metadata = parquetMetadata((await encoder.finish()).slice().buffer);
    const stats = metadata.row_groups[0]!.columns[0]!.meta_data?.statistics;
    assert.equal(stats?.min_value, undefined);
    assert.equal(stats?.max_value, undefined);
    assert.equal(stats?.null_count, 5n);
  });

  test('string bounds over 4 KiB are left out of the footer, shorter ones kept', async () => {
    const bounds = async (values: string[]): Promise<unknown[]> => {
      const field = new Field('s', new Utf8(), true);
      const encoder = flatParquetEncoder(new Schema([field]), { compression: 'uncompressed' });
      assert.ok(encoder);
      await encoder.write(new RecordBatch(new Schema([field]), makeData({ type: new Struct([field]), length: values.length, children: [vectorFromArray(values, new Utf8()).data[0]!] })));
      const stats = parquetMetadata((await encoder.finish()).slice().buffer).row_groups[0]!.columns[0]!.meta_data?.statistics;
      return [stats?.min_value, stats?.max_value];
    };
    assert.deepEqual(await bounds(['b', 'a'.repeat(4096)]), ['a'.repeat(4096), 'b']);
    assert.deepEqual(await bounds(['b', 'a'.repeat(4097)]), [undefined, undefined]);
  });

  test('nested schemas and other codecs are left to parquet-wasm', () => {
    const nested = new Schema([new Field('l', new List(new Field('item', new Int32(), true)), true)]);
    assert.equal(flatParquetEncoder(nested, {}), undefined);
    const flat = new Schema([new Field('i', new Int32(), true)]);
    assert.equal(flatParquetEncoder(flat, { compression: 'snappy' }), undefined);
    assert.ok(flatParquetEncoder(flat, {}));
  });
});
