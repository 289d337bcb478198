import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, DateDay, Int32, Int64, Utf8, makeData, vectorFromArray, type Data } from 'apache-arrow';
import type { DataType } from '../../../src/delta/schema';
import { partitionValueAt } from '../../../src/delta/write/partitionPath';

const P = (name: string): DataType => ({ kind: 'primitive', name } as DataType);

test('partitionValueAt reads the rows of a sliced column (slices narrow values and offsets, not bitmaps)', () => {
  const cases: Array<[Data, DataType, Array<string | null>]> = [
    [vectorFromArray(['a', 'bb', null, 'ccc', 'dd'], new Utf8()).data[0] as Data, P('string'), [null, 'ccc', 'dd']],
    [vectorFromArray([1, 2, null, 4, 5], new Int32()).data[0] as Data, P('integer'), [null, '4', '5']],
    [vectorFromArray([1n, 2n, null, -4n, 5n], new Int64()).data[0] as Data, P('long'), [null, '-4', '5']],
    [vectorFromArray([true, true, null, false, true], new Bool()).data[0] as Data, P('boolean'), [null, 'false', 'true']],
    [makeData({ type: new DateDay(), length: 5, nullCount: 1, nullBitmap: Uint8Array.of(0b11011), data: Int32Array.of(0, 1, 7, 19000, -1) }), P('date'), [null, '2022-01-08', '1969-12-31']],
  ];
  for (const [data, type, expected] of cases) {
    const slice = data.slice(2, 3);
    assert.deepEqual([0, 1, 2].map((row) => partitionValueAt(slice, row, type)), expected, JSON.stringify(type));
  }
});
