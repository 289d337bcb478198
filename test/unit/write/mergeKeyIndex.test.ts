import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Data, Field, Int64, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { NumberKeyTable } from '../../../src/delta/write/numberKeyTable';
import { MergeKeyIndex, type KeyHits } from '../../../src/delta/write/mergeKeyIndex';
import { RankedKeyBitmap } from '../../../src/delta/write/rankedKeyBitmap';
import type { StructField } from '../../../src/delta/schema';

const id: StructField = { name: 'id', type: { kind: 'primitive', name: 'long' }, nullable: true, metadata: {} };

/** One `id long` column; null entries are NULL. */
function ids(values: Array<bigint | null>): RecordBatch {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => { if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7); });
  const nulls = values.filter((v) => v === null).length;
  const data = makeData({ type: new Int64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data: BigInt64Array.from(values, (v) => v ?? 0n) });
  const fields = [new Field('id', new Int64(), true)];
  return new RecordBatch(new Schema(fields), new Data(new Struct(fields), 0, values.length, 0, undefined, [data]));
}

describe('MERGE key index', () => {
  for (const [layout, keys] of [['dense', [-3, 0, 5, 1000]], ['hashed', [-(2 ** 53), -7, 3_000_000_000, 2 ** 53 - 1, 42]]] as const) {
    test(`NumberKeyTable (${layout}): finds every key, reports the first id of a duplicate, misses others`, () => {
      const table = new NumberKeyTable(Math.min(...keys), Math.max(...keys), keys.length);
      keys.forEach((key, i) => assert.equal(table.insert(key, i), -1));
      keys.forEach((key, i) => assert.equal(table.get(key), i));
      assert.equal(table.insert(keys[1]!, 99), 1);
      for (const missing of [1, -4, 1001, 2 ** 40, -(2 ** 40)]) assert.equal(table.get(missing), -1);
    });
  }

  test('RankedKeyBitmap: finds every key across word boundaries, keeps the first id of equal keys, misses others', () => {
    const keys = [-5, 26, 27, 58, 26, 100, -5, 26, 1000];
    assert.ok(RankedKeyBitmap.fits(-5, 1000, keys.length));
    const duplicates: number[] = [];
    const bitmap = new RankedKeyBitmap(-5, 1000, Float64Array.from(keys), (first) => duplicates.push(first));
    assert.deepEqual(duplicates, [1, 0, 1]);
    assert.equal(bitmap.size, 6);
    assert.deepEqual([-5, 26, 27, 58, 100, 1000].map((key) => bitmap.get(key)), [0, 1, 2, 3, 5, 8]);
    for (const missing of [-6, -4, 25, 28, 59, 999, 1001, 2 ** 40, -(2 ** 40)]) assert.equal(bitmap.get(missing), -1);
    assert.equal(RankedKeyBitmap.fits(0, 2 ** 40, 3), false);
  });

  test('hits() equals the probe row by row: the int64 loop, beyond 2^53, duplicates, NULLs and sliced columns', () => {
    const big = 9_007_199_254_740_993n;
    const source = ids([1n, big, 40n, 7n, 7n, -(2n ** 63n), 33n, 32n, 31n]);
    const targets = [
      ids([big, 9_007_199_254_740_992n, 1n, 7n, 8n, -(2n ** 63n), 2n ** 63n - 1n, 0n, 41n, 40n, -1n, 31n, 32n, 33n]),
      ids([7n, null, big, 40n]),
      ids([5n, 7n, 40n, big, 2n ** 53n]).slice(1, 3),
    ];
    const index = new MergeKeyIndex([source], [id]);
    const asRows = (hits: KeyHits): Array<[number, number, boolean]> => hits.rows.map((row, i) => [row, hits.refs[i]!.row, hits.refs[i]!.duplicate]);
    const fromProbe = (batch: RecordBatch): Array<[number, number, boolean]> => {
      const probe = index.probe(batch);
      return [...Array(batch.numRows).keys()].flatMap((row) => {
        const entry = probe(row);
        return entry ? [[row, entry.row, entry.duplicate] as [number, number, boolean]] : [];
      });
    };
    assert.deepEqual(asRows(index.hits(targets[0]!)), [[0, 1, false], [2, 0, false], [3, 3, true], [5, 5, false], [9, 2, false], [11, 8, false], [12, 7, false], [13, 6, false]]);
    assert.deepEqual(asRows(index.hits(targets[1]!)), [[0, 3, true], [2, 1, false], [3, 2, false]]);
    assert.deepEqual(asRows(index.hits(targets[2]!)), [[0, 3, true], [1, 2, false]]);
    for (const target of targets) assert.deepEqual(asRows(index.hits(target)), fromProbe(target));
  });

  test('long keys beyond 2^53 stay exact, NULL keys match nothing, duplicates are flagged', () => {
    const big = 9_007_199_254_740_993n; // 2^53 + 1: as a double it would equal 2^53
    const index = new MergeKeyIndex([ids([1n, big, null, 7n, 7n])], [id]);
    assert.equal(index.size, 3);
    const probe = index.probe(ids([big, 9_007_199_254_740_992n, null, 1n, 7n, 8n]));
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((row) => {
      const entry = probe(row);
      return entry ? [entry.row, entry.duplicate] : undefined;
    }), [[1, false], undefined, undefined, [0, false], [3, true], undefined]);
    assert.deepEqual(index.ranges, [[1n, big]]);
  });

  test('the key range spans every source batch, negative keys and a key below -2^53 included', () => {
    assert.deepEqual(new MergeKeyIndex([ids([5n, null]), ids([-3n, 40n])], [id]).ranges, [[-3n, 40n]]);
    const low = -9_007_199_254_740_993n;
    assert.deepEqual(new MergeKeyIndex([ids([5n]), ids([low, 2n])], [id]).ranges, [[low, 5n]]);
  });
});
