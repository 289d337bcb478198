import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Data, Field, RecordBatch, Schema, Struct } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { toArrowType } from '../../../src/delta/arrowSchema';
import type { TypedValue } from '../../../src/delta/predicate/typedValue';
import type { ColumnMappingMode, DataType, StructType } from '../../../src/delta/schema';
import { columnFromValues } from '../../../src/delta/write/columnFromValues';
import { DataFileWriter } from '../../../src/delta/write/dataFileWriter';
import { physicalFileSchema, toPhysicalBatch } from '../../../src/delta/write/physicalData';
import { StatsCollector, type StatsOptions } from '../../../src/delta/write/statsCollector';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { nativeZstd } from '../../../src/parquet/flatEncoder/nativeZstd';
import { LocalFileStore } from '../../../src/storage/localFileStore';
import { seededRandom } from '../../helpers/seededRandom';

const P = (name: string): DataType => ({ kind: 'primitive', name } as DataType);
const dec = (precision: number, scale: number): DataType => ({ kind: 'decimal', precision, scale });
const d = (unscaled: bigint, scale: number): TypedValue => ({ unscaled, scale });

/** Column name, Delta type, nullable, and the values rows pick from (edges first, then random). */
interface ColumnSpec { name: string; type: DataType; nullable: boolean; edges: TypedValue[]; random: (r: () => number) => TypedValue }

const COLUMNS: ColumnSpec[] = [
  { name: 'b', type: P('byte'), nullable: true, edges: [-128, 127, 0], random: (r) => Math.floor(r() * 256) - 128 },
  { name: 's', type: P('short'), nullable: true, edges: [-32768, 32767], random: (r) => Math.floor(r() * 2000) - 1000 },
  { name: 'i', type: P('integer'), nullable: true, edges: [-(2 ** 31), 2 ** 31 - 1, 0], random: (r) => Math.floor(r() * 1e6) - 5e5 },
  { name: 'l', type: P('long'), nullable: true, edges: [-(2n ** 63n), 2n ** 63n - 1n, 9007199254740993n], random: (r) => BigInt(Math.floor(r() * 1e12)) - 5n * 10n ** 11n },
  { name: 'f', type: P('float'), nullable: true, edges: [-0, 0, 3.4028234663852886e38, 1.401298464324817e-45], random: (r) => Math.fround(r() * 100 - 50) },
  { name: 'dbl', type: P('double'), nullable: true, edges: [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], random: (r) => r() * 1e6 - 5e5 },
  { name: 'nanMix', type: P('float'), nullable: true, edges: [Number.NaN, -1.5], random: (r) => Math.fround(r() * 10) },
  { name: 'zeros', type: P('double'), nullable: true, edges: [-0, 0], random: () => 0 },
  { name: 'nanOnly', type: P('double'), nullable: true, edges: [Number.NaN], random: () => Number.NaN },
  { name: 'flag', type: P('boolean'), nullable: true, edges: [true, false], random: (r) => r() < 0.5 },
  {
    name: 'str', type: P('string'), nullable: true,
    edges: ['', 'a'.repeat(40), '🙂'.repeat(33), '\u{10FFFF}'.repeat(31) + 'z', 'x'.repeat(5000), 'ünïcödé'],
    random: (r) => `k${Math.floor(r() * 1e5)}`,
  },
  // Every value above 32 code points of U+10FFFF: no upper bound exists, so no max is written.
  { name: 'topStr', type: P('string'), nullable: true, edges: ['\u{10FFFF}'.repeat(40)], random: () => '\u{10FFFF}'.repeat(33) },
  { name: 'bin', type: P('binary'), nullable: true, edges: [new Uint8Array(0), Uint8Array.of(255)], random: (r) => Uint8Array.of(r() * 256) },
  { name: 'dt', type: P('date'), nullable: true, edges: [-719162, 2932896, 0, -1], random: (r) => Math.floor(r() * 40000) - 20000 },
  { name: 'ts', type: P('timestamp'), nullable: true, edges: [-62135596800000000n, 253402300799999999n, -1n, 1n], random: (r) => BigInt(Math.floor(r() * 2e15)) - 10n ** 15n },
  { name: 'tsn', type: P('timestamp_ntz'), nullable: true, edges: [-999n, 1_700_000_000_123_456n], random: (r) => BigInt(Math.floor(r() * 2e15)) },
  { name: 'd9', type: dec(9, 2), nullable: true, edges: [d(-999_999_999n, 2), d(999_999_999n, 2), d(0n, 2), d(-1n, 2)], random: (r) => d(BigInt(Math.floor(r() * 2e8)) - 10n ** 8n, 2) },
  { name: 'd18', type: dec(18, 4), nullable: true, edges: [d(-(10n ** 18n - 1n), 4), d(10n ** 18n - 1n, 4)], random: (r) => d(BigInt(Math.floor(r() * 1e15)) - 5n * 10n ** 14n, 4) },
  { name: 'd38', type: dec(38, 10), nullable: true, edges: [d(-(10n ** 38n - 1n), 10), d(10n ** 38n - 1n, 10), d(-(2n ** 64n) - 7n, 10)], random: (r) => d(BigInt(Math.floor(r() * 1e12)) * 10n ** 20n - 3n, 10) },
  { name: 'allNull', type: P('integer'), nullable: true, edges: [null], random: () => null },
  { name: 'req', type: P('long'), nullable: false, edges: [5n, -5n], random: (r) => BigInt(Math.floor(r() * 1000)) },
  { name: 'p', type: P('string'), nullable: true, edges: ['x', 'y', null], random: (r) => (r() < 0.5 ? 'x' : 'y') },
];

function tableSchema(mode: ColumnMappingMode): StructType {
  return {
    kind: 'struct',
    fields: COLUMNS.map((c, i) => ({
      name: c.name, type: c.type, nullable: c.nullable,
      metadata: mode === 'none' ? {} : { 'delta.columnMapping.id': i + 1, 'delta.columnMapping.physicalName': `col-${i}-${c.name}` },
    })),
  };
}

/**
 * `rows` rows: each nullable column is null on its own stride; values are the edges spread over
 * the batch, random otherwise.
 */
function logicalBatch(seed: number, rows: number): RecordBatch {
  const r = seededRandom(seed);
  const fields = COLUMNS.map((c) => new Field(c.name, toArrowType(c.type), c.nullable));
  const children = COLUMNS.map((c, k) => {
    const values = Array.from({ length: rows }, (_, row): TypedValue => {
      if (c.nullable && (row + k + seed) % (5 + (k % 4)) === 0) return null;
      if (row % 97 === k % 97 || r() < 0.01) return c.edges[Math.floor(r() * c.edges.length)] ?? null;
      return c.random(r);
    });
    return columnFromValues(c.type, values);
  });
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, rows, 0, undefined, children));
}

function batches(): RecordBatch[] {
  const big = logicalBatch(7, 4000);
  // A slice checks that both paths read sliced validity bitmaps alike.
  return [logicalBatch(1, 1500), big.slice(333, 3901), logicalBatch(3, 1)];
}

const OPTION_SETS: Array<{ label: string; mode: ColumnMappingMode; stats: StatsOptions }> = [
  { label: 'defaults', mode: 'none', stats: {} },
  { label: 'column mapping by name', mode: 'name', stats: {} },
  { label: 'column mapping by id, tightBounds', mode: 'id', stats: { tightBounds: true } },
  { label: 'first 5 columns', mode: 'none', stats: { numIndexedCols: 5 } },
  { label: 'no columns', mode: 'none', stats: { numIndexedCols: 0 } },
  { label: 'all columns', mode: 'name', stats: { numIndexedCols: -1, tightBounds: false } },
  { label: 'dataSkippingStatsColumns', mode: 'name', stats: { statsColumns: ['STR', '`d38`', 'dbl', 'topStr', 'nope'] } },
];

describe('Delta statistics from the flat encoder', () => {
  for (const { label, mode, stats } of OPTION_SETS) {
    test(`are the JSON a pass over the values writes: ${label}`, async () => {
      const schema = tableSchema(mode);
      const fileSchema = physicalFileSchema(schema, mode);
      const scanned = new StatsCollector(schema, mode, stats);
      const encoded = new StatsCollector(schema, mode, stats);
      // Small row groups: the file's bounds are merged from many chunks' bounds.
      const encoder = flatParquetEncoder(fileSchema, { compression: 'uncompressed', rowGroupSize: 700 });
      assert.ok(encoder, 'the flat encoder writes this schema');
      for (const batch of batches()) {
        scanned.add(batch);
        await encoder.write(toPhysicalBatch(batch, schema, fileSchema));
      }
      await encoder.finish();
      encoded.addEncoded(encoder.rows, encoder.columnStatistics());
      assert.equal(encoded.toJson(), scanned.toJson());
    });
  }

  test('the edge values reach the JSON as Delta wants them', async () => {
    const schema = tableSchema('none');
    const fileSchema = physicalFileSchema(schema, 'none');
    const encoder = flatParquetEncoder(fileSchema, { compression: 'zstd', rowGroupSize: 1000 });
    assert.ok(encoder);
    for (const batch of batches()) await encoder.write(toPhysicalBatch(batch, schema, fileSchema));
    await encoder.finish();
    const collector = new StatsCollector(schema, 'none', { numIndexedCols: -1 });
    collector.addEncoded(encoder.rows, encoder.columnStatistics());
    const json = JSON.parse(collector.toJson()) as { numRecords: number; minValues: Record<string, unknown>; maxValues: Record<string, unknown>; nullCount: Record<string, number> };
    assert.equal(json.numRecords, 1500 + 3568 + 1);
    assert.equal(json.minValues.b, -128);
    assert.equal(json.maxValues.i, 2 ** 31 - 1);
    assert.equal(json.nullCount.allNull, json.numRecords);
    assert.equal(json.nullCount.req, 0);
    assert.equal(json.minValues.allNull, undefined);
    // A NaN hides the max; infinities are no JSON numbers; -0 and 0 are 0.
    assert.equal(json.maxValues.dbl, undefined);
    assert.equal(json.minValues.dbl, undefined);
    assert.equal(Object.is(json.minValues.zeros, 0) && Object.is(json.maxValues.zeros, 0), true);
    assert.equal(json.minValues.nanOnly, undefined);
    assert.equal(json.minValues.nanMix, -1.5);
    assert.equal(json.maxValues.nanMix, undefined);
    assert.equal(json.minValues.str, '');
    assert.equal(json.maxValues.str, '\u{10FFFF}'.repeat(31) + 'z');
    assert.equal(json.maxValues.topStr, undefined);
    assert.equal(json.minValues.topStr, '\u{10FFFF}'.repeat(32));
    assert.equal(json.minValues.bin, undefined);
    assert.equal(json.nullCount.flag > 0, true);
    assert.equal(json.minValues.flag, undefined);
    assert.equal(json.minValues.dt, '0001-01-01');
    assert.equal(json.maxValues.dt, '9999-12-31');
    assert.equal(json.minValues.ts, '0001-01-01T00:00:00.000Z');
    assert.equal(json.maxValues.ts, '9999-12-31T23:59:59.999Z');
    assert.equal(json.minValues.tsn, '1969-12-31T23:59:59.999');
    assert.match(collector.toJson(), /"d38":-9999999999999999999999999999\.9999999999[,}]/);
    assert.match(collector.toJson(), /"l":9223372036854775807[,}]/);
  });

  test('DataFileWriter writes the same stats through the flat encoder (zstd) as through parquet-wasm (snappy)', async () => {
    assert.ok(nativeZstd(), 'the native ZSTD module loads, so a flat schema goes through the flat encoder');
    const root = await mkdtemp(join(tmpdir(), 'flat-stats-'));
    try {
      const results: Record<string, Array<{ partition: string; stats: string; rows: number; codec: string | undefined }>> = {};
      for (const compression of ['zstd', 'snappy'] as const) {
        const store = new LocalFileStore(join(root, compression));
        const schema = tableSchema('name');
        const writer = new DataFileWriter({ store, schema, partitionColumns: ['p'], columnMappingMode: 'name', compression, stats: { numIndexedCols: -1 } });
        for (const batch of batches()) await writer.write(batch);
        const files = await writer.finish();
        results[compression] = await Promise.all(files.map(async (file) => {
          const bytes = await readFile(join(root, compression, decodeURIComponent(file.path)));
          const footer = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          return { partition: JSON.stringify(file.partitionValues), stats: file.stats, rows: file.rows, codec: footer.row_groups[0]?.columns[0]?.meta_data?.codec };
        }));
        results[compression]?.sort((a, b) => a.partition.localeCompare(b.partition));
      }
      const flat = results.zstd ?? [];
      const wasm = results.snappy ?? [];
      assert.equal(flat.length, 3);
      // Only the flat encoder writes ZSTD here (the native module loads in this suite); SNAPPY is parquet-wasm's.
      assert.deepEqual(flat.map((f) => f.codec), ['ZSTD', 'ZSTD', 'ZSTD']);
      assert.deepEqual(wasm.map((f) => f.codec), ['SNAPPY', 'SNAPPY', 'SNAPPY']);
      assert.deepEqual(flat.map(({ partition, stats, rows }) => ({ partition, stats, rows })), wasm.map(({ partition, stats, rows }) => ({ partition, stats, rows })));
      assert.match(flat[0]?.stats ?? '', /"col-10-str":/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
