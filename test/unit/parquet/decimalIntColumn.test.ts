import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecimalIntColumn } from '../../../src/parquet/flatDecoder/decimalIntColumn';
import type { ColumnBuffers } from '../../../src/parquet/flatDecoder/recycledBuffers';

/**
 * INT32 / INT64 decimals widened to Decimal128 while decoding: negative values sign-extended, null
 * slots zeroed even in a reused buffer full of old bytes, dictionary entries widened once.
 */

/** Buffers full of old bytes (0xff), as a recycled buffer taken without zeroing would be. */
const DIRTY_BUFFERS: ColumnBuffers = { bytes: (byteLength) => new Uint8Array(byteLength).fill(0xff), drop: () => undefined };

/** `values` as little-endian integers of `width` bytes after `pad` bytes (pages' values rarely start aligned). */
function page(values: bigint[], width: 4 | 8, pad: number): Uint8Array {
  const bytes = new Uint8Array(pad + values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    if (width === 4) view.setInt32(pad + i * 4, Number(value), true);
    else view.setBigInt64(pad + i * 8, value, true);
  });
  return bytes;
}

/** The column's rows as 128-bit signed integers. */
function rowsOf(column: DecimalIntColumn): bigint[] {
  const view = new DataView(column.bytes.buffer, column.bytes.byteOffset, column.bytes.byteLength);
  return Array.from({ length: column.rows }, (_, row) => BigInt.asIntN(128, (view.getBigUint64(row * 16 + 8, true) << 64n) | view.getBigUint64(row * 16, true)));
}

describe('DecimalIntColumn', () => {
  for (const width of [4, 8] as const) {
    const values = width === 4 ? [0n, 1n, -1n, 2147483647n, -2147483648n, -12345n] : [0n, -1n, 9223372036854775807n, -9223372036854775808n, 4294967296n, -4294967297n];

    test(`${width}-byte PLAIN pages, with and without nulls, into a reused buffer`, () => {
      const column = new DecimalIntColumn(12, width, DIRTY_BUFFERS);
      column.plain(page(values, width, 3), 3, 3 + values.length * width, 0, values.length, null);
      // Slots 0, 2, 5, 7, 9 and 11 null: the six values go to the others.
      const defined = new Uint8Array([0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0]);
      column.plain(page(values, width, 1), 1, 1 + values.length * width, 6, 6, defined.subarray(0, 6));
      assert.deepEqual(rowsOf(column), [...values, 0n, values[0], 0n, values[1], values[2], 0n]);
    });

    test(`${width}-byte dictionary entries, gathered with nulls`, () => {
      const column = new DecimalIntColumn(5, width, DIRTY_BUFFERS);
      const dictionary = page(values, width, 2);
      column.setDictionary(dictionary, 2, dictionary.byteLength, values.length);
      column.fromDictionary(new Int32Array([5, 3, 1]), 0, 5, new Uint8Array([1, 0, 1, 0, 1]));
      assert.deepEqual(rowsOf(column), [values[5], 0n, values[3], 0n, values[1]]);
      assert.throws(() => column.fromDictionary(new Int32Array([values.length]), 0, 1, null), /dictionary index/);
    });
  }

  test('a page shorter than its values throws', () => {
    const column = new DecimalIntColumn(4, 8);
    assert.throws(() => column.plain(new Uint8Array(24), 0, 24, 0, 4, null), /holds 24 bytes for 4 decimals/);
  });
});
