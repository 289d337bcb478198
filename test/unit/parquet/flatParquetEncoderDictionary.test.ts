import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Binary, Bool, DateDay, Decimal, Field, Float32, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8,
  makeData, type Data, type DataType, type Table,
} from 'apache-arrow';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../../src/parquet/flatEncoder/nativeZstd';
import { filterBatch } from '../../../src/arrow/takeRows';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { requirePeerPython } from '../../helpers/peers';

const execFileAsync = promisify(execFile);

const ROWS = 100_000;
/** The batches the rows are written in: pages end at these rows (and at every 64K rows). */
const BATCH_ENDS = [20_000, 70_000, ROWS];
const ROW_GROUP_ROWS = 80_000;

type Kind = 'int' | 'float' | 'string' | 'binary' | 'decimal' | 'bool';

/**
 * One column: its Arrow type, and row i's value in a canonical text form every reader's value is
 * turned into (integers, days and microseconds in decimal, decimals unscaled, floats as the hex
 * of their double's bits or `nan`, binaries in hex), null for NULL.
 */
interface Column { name: string; type: DataType; kind: Kind; scale?: number; value: (i: number) => string | null }

const floatHex = (v: number): string => (Number.isNaN(v) ? 'nan' : Buffer.from(Float64Array.of(v).buffer).toString('hex'));
const SINGLES = [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, -2.25, 3];

const COLUMNS: Column[] = [
  { name: 'cat', type: new Utf8(), kind: 'string', value: (i) => (i % 11 === 0 ? null : `category-${i % 24}`) },
  { name: 'qty', type: new Int32(), kind: 'int', value: (i) => String(((i * 7919) % 2000) - 1000) },
  // Runs of 1, 3, 5, ... equal values: RLE runs and bit-packed groups side by side.
  { name: 'runs', type: new Int32(), kind: 'int', value: (i) => (i % 97 === 5 ? null : String(Math.floor(Math.sqrt(i)) % 9)) },
  { name: 'single', type: new Float32(), kind: 'float', value: (i) => (i % 13 === 0 ? null : floatHex(SINGLES[i % 6] as number)) },
  { name: 'ratio', type: new Float64(), kind: 'float', value: (i) => floatHex(i % 500 === 0 ? Number.NaN : i % 501 === 0 ? -0 : ((i * 69_621) % 1000) / 7 - 50) },
  { name: 'when', type: new TimestampMicrosecond('UTC'), kind: 'int', value: (i) => String(1_600_000_000_000_000 + (i % 100) * 1_000_001) },
  { name: 'day', type: new DateDay(), kind: 'int', value: (i) => (i % 17 === 3 ? null : String(18_000 + (i % 50) - 25_000)) },
  { name: 'dec9', type: new Decimal(2, 9, 128), kind: 'decimal', scale: 2, value: (i) => String((i % 300) - 150) },
  { name: 'dec18', type: new Decimal(4, 18, 128), kind: 'decimal', scale: 4, value: (i) => String(BigInt(i % 70) * 10n ** 15n - 999n) },
  { name: 'dec38', type: new Decimal(2, 38, 128), kind: 'decimal', scale: 2, value: (i) => String(BigInt(i % 5) * 2n ** 70n - 1n) },
  { name: 'flag', type: new Bool(), kind: 'bool', value: (i) => (i % 7 === 0 ? null : String(i % 3 === 0)) },
  { name: 'bin', type: new Binary(), kind: 'binary', value: (i) => Buffer.from([i % 7, 255]).toString('hex') },
  // Nulls only in the first batch: its page is PLAIN (levels alone), the later pages index a dictionary.
  { name: 'lateValues', type: new Int32(), kind: 'int', value: (i) => (i < 20_000 ? null : String(i % 3)) },
  { name: 'allNull', type: new Int64(), kind: 'int', value: () => null },
  { name: 'id', type: new Int64(), kind: 'int', value: (i) => String(BigInt(i) * 1_000_003n - 7n) },
  // Unique 40-byte values: the dictionary reaches its limit without paying in the second batch, and
  // the column stays PLAIN for the rest of the file.
  { name: 'unique', type: new Utf8(), kind: 'string', value: (i) => `id-${i}-`.padEnd(40, '#') },
  // Low cardinality for the first batch, then unique 40-byte values: the dictionary passes its
  // limit in the second batch and the chunk's later pages fall back to PLAIN.
  { name: 'growing', type: new Utf8(), kind: 'string', value: (i) => (i < 20_000 ? `g${i % 10}` : `unique-value-${i}-`.padEnd(40, 'x')) },
];

function columnData(column: Column): Data {
  const values = Array.from({ length: ROWS }, (_, i) => column.value(i));
  const validity = new Uint8Array(Math.ceil(ROWS / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
  });
  const base = { type: column.type, length: ROWS, nullCount, nullBitmap: validity };
  const type: unknown = column.type;
  switch (column.kind) {
    case 'string':
    case 'binary': {
      const parts = values.map((v) => (v === null ? Buffer.alloc(0) : column.kind === 'string' ? Buffer.from(v) : Buffer.from(v, 'hex')));
      const offsets = new Int32Array(ROWS + 1);
      parts.forEach((p, i) => { offsets[i + 1] = (offsets[i] as number) + p.length; });
      return makeData({ ...base, type: column.type as Utf8, valueOffsets: offsets, data: Buffer.concat(parts) });
    }
    case 'bool': {
      const bits = new Uint8Array(Math.ceil(ROWS / 8));
      values.forEach((v, i) => { if (v === 'true') bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7)); });
      return makeData({ ...base, type: column.type as Bool, data: bits });
    }
    case 'decimal': {
      const words = new Uint32Array(ROWS * 4);
      values.forEach((v, i) => {
        let u = BigInt.asUintN(128, BigInt(v ?? '0'));
        for (let w = 0; w < 4; w++, u >>= 32n) words[i * 4 + w] = Number(u & 0xffffffffn);
      });
      return makeData({ ...base, type: column.type as Decimal, data: words });
    }
    case 'float': {
      const numbers = values.map((v) => (v === null || v === 'nan' ? Number.NaN : Buffer.from(v, 'hex').readDoubleLE(0)));
      return type instanceof Float32
        ? makeData({ ...base, type, data: Float32Array.from(numbers) })
        : makeData({ ...base, type: column.type as Float64, data: Float64Array.from(numbers) });
    }
    case 'int':
      if (type instanceof Int64) return makeData({ ...base, type, data: BigInt64Array.from(values, (v) => BigInt(v ?? '0')) });
      if (type instanceof TimestampMicrosecond) return makeData({ ...base, type, data: BigInt64Array.from(values, (v) => BigInt(v ?? '0')) });
      return makeData({ ...base, type: column.type as Int32, data: Int32Array.from(values, (v) => Number(v ?? '0')) });
  }
}

let sample: RecordBatch | undefined;

function sampleBatch(): RecordBatch {
  if (sample) return sample;
  const fields = COLUMNS.map((c) => new Field(c.name, c.type, true));
  sample = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: ROWS, children: COLUMNS.map(columnData) }));
  return sample;
}

async function encode(compression: 'zstd' | 'uncompressed'): Promise<Uint8Array> {
  const batch = sampleBatch();
  const encoder = flatParquetEncoder(batch.schema, { compression, rowGroupSize: ROW_GROUP_ROWS });
  assert.ok(encoder);
  let at = 0;
  for (const end of BATCH_ENDS) {
    await encoder.write(batch.slice(at, end));
    at = end;
  }
  return encoder.finish();
}

const expectedValues = new Map<Column, Array<string | null>>();

function expected(column: Column): Array<string | null> {
  let values = expectedValues.get(column);
  if (!values) {
    values = Array.from({ length: ROWS }, (_, i) => column.value(i));
    expectedValues.set(column, values);
  }
  return values;
}

/** Equal lists of canonical texts; a failure names the first row that differs (deepEqual of 100K rows is slow). */
function assertSameValues(actual: ReadonlyArray<string | null> | undefined, want: ReadonlyArray<string | null>, label: string): void {
  assert.ok(actual, `${label}: no such column`);
  assert.equal(actual.length, want.length, `${label}: rows`);
  const row = want.findIndex((v, i) => actual[i] !== v);
  assert.equal(row, -1, `${label} row ${row}: ${String(actual[row])} instead of ${String(want[row])}`);
}

/** Canonical texts of a column read by parquet-wasm (arrow-rs), from its Arrow buffers. */
function fromArrow(table: Table, column: Column): Array<string | null> {
  const out: Array<string | null> = [];
  for (const data of table.getChild(column.name)?.data ?? []) {
    const bitmap = data.nullBitmap;
    for (let row = 0; row < data.length; row++) {
      const bit = data.offset + row;
      if (data.nullCount > 0 && bitmap && bitmap.length > 0 && ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) === 0) {
        out.push(null);
        continue;
      }
      const values = data.values as ArrayLike<number | bigint> & { buffer: ArrayBufferLike };
      switch (column.kind) {
        case 'string':
        case 'binary': {
          const offsets = data.valueOffsets as Int32Array;
          const bytes = Buffer.from((data.values as Uint8Array).subarray(offsets[row], offsets[row + 1]));
          out.push(column.kind === 'string' ? bytes.toString() : bytes.toString('hex'));
          break;
        }
        case 'bool':
          out.push(String((((data.values as Uint8Array)[bit >> 3] as number) & (1 << (bit & 7))) !== 0));
          break;
        case 'decimal': {
          const words = data.values as Uint32Array;
          let v = 0n;
          for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[row * 4 + w] as number);
          out.push(String(BigInt.asIntN(128, v)));
          break;
        }
        case 'float':
          out.push(floatHex(Number(values[row])));
          break;
        case 'int':
          out.push(String(values[row]));
          break;
      }
    }
  }
  return out;
}

/** Canonical texts of a hyparquet row value (decimals come as doubles: compared by the test within rounding). */
function fromHyparquet(column: Column, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (column.kind === 'binary') return Buffer.from(value as Uint8Array).toString('hex');
  if (column.kind === 'float') return floatHex(value as number);
  return String(value);
}

const PYARROW_DUMP = `
import json, math, struct, sys
import pyarrow as pa, pyarrow.parquet as pq
table = pq.read_table(sys.argv[1])
out = {}
for field in table.schema:
    col = table.column(field.name)
    t = field.type
    if pa.types.is_timestamp(t): col = col.cast(pa.int64())
    if pa.types.is_date32(t): col = col.cast(pa.int32())
    def canon(v):
        if v is None: return None
        if pa.types.is_boolean(t): return 'true' if v else 'false'
        if pa.types.is_floating(t): return 'nan' if math.isnan(v) else struct.pack('<d', v).hex()
        if pa.types.is_decimal(t): return str(int(v.scaleb(t.scale)))
        if pa.types.is_binary(t): return v.hex()
        return str(v)
    out[field.name] = [canon(v) for v in col.to_pylist()]
print(json.dumps(out))
`;

describe('FlatParquetEncoder dictionary pages', () => {
  test('chunks take a dictionary up to its limit; one that passes it without paying is given up for the file', async () => {
    const bytes = await encode('uncompressed');
    const metadata = parquetMetadata(bytes.slice().buffer);
    assert.deepEqual(metadata.row_groups.map((g) => Number(g.num_rows)), [ROW_GROUP_ROWS, ROWS - ROW_GROUP_ROWS]);
    const encodings = (group: number, name: string): string[] => {
      const chunk = metadata.row_groups[group]?.columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data;
      assert.ok(chunk, name);
      assert.equal(chunk.dictionary_page_offset !== undefined, chunk.encodings.includes('RLE_DICTIONARY'), `${name}: a dictionary page exactly when pages use it`);
      return chunk.encodings;
    };
    // `id` and `growing` stay below the 1 MiB limit in these 100K rows; `growing` passes it in
    // group 0's second page, which is PLAIN, but its dictionary paid until then.
    for (const name of ['cat', 'qty', 'runs', 'single', 'ratio', 'when', 'day', 'dec9', 'dec18', 'bin', 'id', 'growing', 'lateValues']) {
      for (const group of [0, 1]) assert.deepEqual(encodings(group, name), ['PLAIN', 'RLE', 'RLE_DICTIONARY'], `${name} group ${group}`);
    }
    for (const name of ['dec38', 'flag', 'allNull']) {
      for (const group of [0, 1]) assert.deepEqual(encodings(group, name), ['PLAIN', 'RLE'], `${name} group ${group}`);
    }
    assert.deepEqual(encodings(0, 'unique'), ['PLAIN', 'RLE', 'RLE_DICTIONARY']);
    assert.deepEqual(encodings(1, 'unique'), ['PLAIN', 'RLE']);
    const catBytes = metadata.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === 'cat')?.meta_data?.total_uncompressed_size;
    assert.ok(Number(catBytes) < ROW_GROUP_ROWS, `cat takes about 5 bits a row, not its ~15 PLAIN bytes (${catBytes} bytes)`);
  });

  test('parquet-wasm (arrow-rs) reads every value back', async () => {
    assert.ok(nativeZstd(), 'the native ZSTD module loads on this platform');
    const table = decodeParquet(await encode('zstd'));
    assert.equal(table.numRows, ROWS);
    for (const column of COLUMNS) assertSameValues(fromArrow(table, column), expected(column), column.name);
  });

  test('hyparquet reads every value back', async () => {
    const file = (await encode('uncompressed')).slice().buffer;
    const rows = await parquetReadObjects({
      file, utf8: false, parsers: { timestampFromMicroseconds: (v: bigint) => v, dateFromDays: (d: number) => d },
    });
    assert.equal(rows.length, ROWS);
    for (const column of COLUMNS) {
      const actual = rows.map((row) => fromHyparquet(column, (row as Record<string, unknown>)[column.name]));
      const want = expected(column);
      if (column.kind !== 'decimal') {
        assertSameValues(actual, want, column.name);
        continue;
      }
      for (let i = 0; i < ROWS; i++) {
        const exact = Number(BigInt(want[i] as string)) / 10 ** (column.scale ?? 0);
        assert.ok(Math.abs(Number(actual[i]) - exact) <= Math.abs(exact) * 1e-15, `${column.name} row ${i}: ${actual[i]} vs ${exact}`);
      }
    }
  });

  test('pyarrow (parquet-cpp) reads every value back', async (t) => {
    const python = requirePeerPython(t);
    if (!python) return;
    const dir = await mkdtemp(join(tmpdir(), 'flat-dictionary-'));
    try {
      const path = join(dir, 'dictionary.parquet');
      await writeFile(path, await encode('zstd'));
      const { stdout } = await execFileAsync(python, ['-c', PYARROW_DUMP, path], { maxBuffer: 512 * 1024 * 1024 });
      const read = JSON.parse(stdout) as Record<string, Array<string | null>>;
      for (const column of COLUMNS) assertSameValues(read[column.name], expected(column), column.name);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a column whose sampled values all differ skips the dictionary; one cycling through 65,537 values keeps it', async () => {
    const columns: Column[] = [
      { name: 'key', type: new Int64(), kind: 'int', value: (i) => (i % 10 === 9 ? null : String(BigInt(i) * 7n - 3n)) },
      { name: 'label', type: new Utf8(), kind: 'string', value: (i) => `row-${(i * 7919) % ROWS}` },
      // Every value of a first 64K-row page differs, yet over the batch the dictionary pays 3x.
      { name: 'cycle', type: new Float64(), kind: 'float', value: (i) => floatHex(((i * 69_621) % 65_537) / 65_537 - 0.5) },
      { name: 'cat', type: new Utf8(), kind: 'string', value: (i) => `category-${i % 24}` },
    ];
    const fields = columns.map((c) => new Field(c.name, c.type, true));
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: ROWS, children: columns.map(columnData) }));
    const encoder = flatParquetEncoder(batch.schema, { compression: 'uncompressed' });
    assert.ok(encoder);
    await encoder.write(batch);
    const bytes = await encoder.finish();
    const metadata = parquetMetadata(bytes.slice().buffer);
    const chunk = (name: string) => metadata.row_groups[0]?.columns.find((c) => c.meta_data?.path_in_schema[0] === name)?.meta_data;
    assert.deepEqual(chunk('key')?.encodings, ['PLAIN', 'RLE']);
    assert.deepEqual(chunk('label')?.encodings, ['PLAIN', 'RLE']);
    assert.deepEqual(chunk('cycle')?.encodings, ['PLAIN', 'RLE', 'RLE_DICTIONARY']);
    assert.deepEqual(chunk('cat')?.encodings, ['PLAIN', 'RLE', 'RLE_DICTIONARY']);
    // Bounds from PLAIN pages (key) and from the dictionary's entries (cycle).
    assert.equal(chunk('key')?.statistics?.min_value, -3n);
    assert.equal(chunk('key')?.statistics?.max_value, BigInt(ROWS - 2) * 7n - 3n);
    assert.equal(chunk('key')?.statistics?.null_count, BigInt(ROWS / 10));
    assert.equal(chunk('cycle')?.statistics?.min_value, -0.5);
    assert.equal(chunk('cycle')?.statistics?.max_value, 65_536 / 65_537 - 0.5);
    const rows = await parquetReadObjects({ file: bytes.slice().buffer, utf8: false });
    for (const column of columns) {
      const actual = rows.map((row) => fromHyparquet(column, (row as Record<string, unknown>)[column.name]));
      assertSameValues(actual, Array.from({ length: ROWS }, (_, i) => column.value(i)), column.name);
    }
  });

  test('rows written through a keep mask give the same file as the rows copied out first', async () => {
    const batch = sampleBatch();
    // Runs kept and dropped of varied lengths, over every column kind, nulls and the dictionary limits.
    const keep = Uint8Array.from({ length: ROWS }, (_, i) => (i % 101 < 3 || (i >> 9) % 5 === 2 ? 0 : 1));
    const write = async (masked: boolean): Promise<Uint8Array> => {
      const encoder = flatParquetEncoder(batch.schema, { compression: 'uncompressed', rowGroupSize: ROW_GROUP_ROWS });
      assert.ok(encoder);
      let at = 0;
      for (const end of [...BATCH_ENDS.slice(0, -1), 90_000, ROWS]) {
        const part = batch.slice(at, end);
        const mask = keep.subarray(at, end);
        await (masked ? encoder.write(part, mask) : encoder.write(filterBatch(part, mask)));
        at = end;
      }
      return encoder.finish();
    };
    const copied = await write(false);
    const masked = await write(true);
    assert.equal(Buffer.compare(Buffer.from(masked), Buffer.from(copied)), 0, 'byte-identical files');
    const rows = await parquetReadObjects({ file: masked.slice().buffer, utf8: false, columns: ['cat', 'id'] });
    const kept = Array.from({ length: ROWS }, (_, i) => i).filter((i) => keep[i] === 1);
    assert.equal(rows.length, kept.length);
    const cat = COLUMNS[0] as Column;
    assertSameValues(rows.map((row) => fromHyparquet(cat, (row as Record<string, unknown>).cat)), kept.map((i) => cat.value(i)), 'cat');
  });
});
