import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Data, DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { StatsCollector } from '../../../src/delta/write/statsCollector';
import { truncatedMax, truncatedMin } from '../../../src/delta/write/statsStringBounds';
import { parseFileStats } from '../../../src/delta/stats/fileStats';
import { parseSchemaString } from '../../../src/delta/schema';
import { parsePredicate } from '../../../src/delta/predicate/parsePredicate';
import { canSkipFile } from '../../../src/delta/stats/skipping';

const schema = parseSchemaString(JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'l', type: 'long', nullable: true, metadata: {} },
    { name: 's', type: 'string', nullable: true, metadata: {} },
    { name: 'ts', type: 'timestamp', nullable: true, metadata: {} },
    { name: 'd', type: 'date', nullable: true, metadata: {} },
    { name: 'dec', type: 'decimal(20,2)', nullable: true, metadata: {} },
    { name: 'f', type: 'double', nullable: true, metadata: {} },
    { name: 'st', type: { type: 'struct', fields: [{ name: 'i', type: 'integer', nullable: true, metadata: {} }] }, nullable: true, metadata: {} },
  ],
}));

function batch(): RecordBatch {
  const decimalType = new Decimal(2, 20, 128);
  const words = new Uint32Array(12);
  // 12345678901234567.89, -0.05, null
  const put = (i: number, v: bigint): void => {
    const u = BigInt.asUintN(128, v);
    for (let k = 0; k < 4; k++) words[i * 4 + k] = Number((u >> BigInt(32 * k)) & 0xffffffffn);
  };
  put(0, 1234567890123456789n);
  put(1, -5n);
  // Row 1's struct is NULL: its hidden child value 8 must count as NULL, not as the max.
  const inner = vectorFromArray([7, 8, -3], new Int32()).data[0] as Data;
  const structType = new Struct([new Field('i', new Int32(), true)]);
  const fields = [
    new Field('l', new Int64(), true), new Field('s', new Utf8(), true), new Field('ts', new TimestampMicrosecond('UTC'), true),
    new Field('d', new DateDay(), true), new Field('dec', decimalType, true), new Field('f', new Float64(), true), new Field('st', structType, true),
  ];
  const arrowSchema = new Schema(fields);
  const children = [
    vectorFromArray([9007199254740993n, -2n, null], new Int64()).data[0] as Data,
    vectorFromArray(['b'.repeat(40), 'a', null], new Utf8()).data[0] as Data,
    makeData({ type: new TimestampMicrosecond('UTC'), length: 3, nullCount: 0, data: BigInt64Array.of(1_700_000_000_123_456n, 0n, 5n) }),
    makeData({ type: new DateDay(), length: 3, nullCount: 0, data: Int32Array.of(19000, 0, -1) }),
    makeData({ type: decimalType, length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b011), data: words }),
    vectorFromArray([NaN, 1.5, -2.25], new Float64()).data[0] as Data,
    makeData({ type: structType, length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b101), children: [inner] }),
  ];
  return new RecordBatch(arrowSchema, makeData({ type: new Struct(fields), length: 3, nullCount: 0, children }));
}

describe('StatsCollector', () => {
  test('writes the JSON Spark writes, exactly', () => {
    const collector = new StatsCollector(schema, 'none');
    collector.add(batch());
    assert.equal(collector.toJson(), JSON.stringify({
      numRecords: 3,
      minValues: { l: 0, s: 'a', ts: '1970-01-01T00:00:00.000Z', d: '1969-12-31', dec: 0, f: 0, st: { i: 0 } },
      // f holds a NaN: no max (Spark writes "NaN"), so `f > v` never skips this file.
      maxValues: { l: 0, s: `${'b'.repeat(31)}c`, ts: '2023-11-14T22:13:20.123Z', d: '2022-01-08', dec: 0, st: { i: 0 } },
      nullCount: { l: 1, s: 1, ts: 0, d: 0, dec: 1, f: 0, st: { i: 1 } },
    }).replace('"l":0', '"l":-2').replace('"dec":0', '"dec":-0.05').replace('"f":0', '"f":-2.25').replace('"i":0', '"i":-3')
      .replace('"l":0', '"l":9007199254740993').replace('"dec":0', '"dec":12345678901234567.89').replace('"i":0', '"i":7'));
  });

  test('round-trips through parseFileStats with exact values', () => {
    const collector = new StatsCollector(schema, 'none');
    collector.add(batch());
    const stats = parseFileStats(collector.toJson(), schema, 'none');
    assert.ok(stats);
    assert.equal(stats.numRecords, 3);
    assert.equal(stats.max(['l']), 9007199254740993n);
    assert.deepEqual(stats.max(['dec']), { unscaled: 1234567890123456789n, scale: 2 });
    assert.equal(stats.min(['ts']), 0n);
    assert.equal(stats.max(['ts']), 1_700_000_000_123_000n);
    assert.equal(stats.min(['d']), -1);
    assert.equal(stats.nullCount(['st', 'i']), 1);
    assert.equal(stats.max(['st', 'i']), 7);
    assert.equal(stats.min(['st', 'i']), -3);
  });

  test('numIndexedCols and statsColumns limit the columns', () => {
    const first2 = new StatsCollector(schema, 'none', { numIndexedCols: 2 });
    first2.add(batch());
    assert.deepEqual(Object.keys(JSON.parse(first2.toJson()).nullCount), ['l', 's']);
    const chosen = new StatsCollector(schema, 'none', { statsColumns: ['st.i', 'd'] });
    chosen.add(batch());
    assert.deepEqual(JSON.parse(chosen.toJson()).nullCount, { d: 0, st: { i: 1 } });
  });
});

describe('string bounds', () => {
  test('min is a prefix, max a raised prefix (always an upper bound)', () => {
    assert.equal(truncatedMin('abc', 2), 'ab');
    assert.equal(truncatedMax('abc', 2), 'ac');
    assert.equal(truncatedMax('ab', 2), 'ab');
    assert.equal(truncatedMax(`a\u{10FFFF}z`, 2), 'b');
    assert.equal(truncatedMax('\u{10FFFF}\u{10FFFF}z', 2), undefined);
    assert.equal(truncatedMax('a\uD7FFz', 2), 'a\uE000');
    assert.ok(truncatedMax('😀😀😀', 2)! > '😀😀😀');
  });
});

describe('NaN in float statistics', () => {
  const floatSchema = parseSchemaString(JSON.stringify({ type: 'struct', fields: [{ name: 'f', type: 'double', nullable: true, metadata: {} }] }));
  const floatBatch = (values: Array<number | null>): RecordBatch => {
    const fields = [new Field('f', new Float64(), true)];
    const column = vectorFromArray(values, new Float64()).data[0] as Data;
    return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: values.length, nullCount: 0, children: [column] }));
  };
  const skips = (json: string, where: string): boolean =>
    canSkipFile(parsePredicate(where, floatSchema), { stats: parseFileStats(json, floatSchema, 'none'), partitionValues: {} }, floatSchema);

  test('a NaN in a later batch leaves the max out, so `f > v` keeps the file; `f < v` still skips on the min', () => {
    const collector = new StatsCollector(floatSchema, 'none');
    collector.add(floatBatch([1, 3]));
    collector.add(floatBatch([null, NaN, 2]));
    const json = collector.toJson();
    assert.equal(json, JSON.stringify({ numRecords: 5, minValues: { f: 1 }, maxValues: {}, nullCount: { f: 1 } }));
    assert.equal(skips(json, 'f > 5'), false);
    assert.equal(skips(json, 'f < 0'), true);
  });

  test('without NaN the max is exact and `f > v` skips', () => {
    const collector = new StatsCollector(floatSchema, 'none');
    collector.add(floatBatch([1, 3, null]));
    const json = collector.toJson();
    assert.equal(json, JSON.stringify({ numRecords: 3, minValues: { f: 1 }, maxValues: { f: 3 }, nullCount: { f: 1 } }));
    assert.equal(skips(json, 'f > 5'), true);
    assert.equal(skips(json, 'f > 2'), false);
  });
});
