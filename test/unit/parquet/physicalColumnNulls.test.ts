import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecimalBytesColumn, FixedWidthColumn } from '../../../src/parquet/flatDecoder/physicalColumn';
import type { ColumnBuffers } from '../../../src/parquet/flatDecoder/recycledBuffers';

/**
 * Fixed-width columns take their buffers without zeroing (a recycled buffer keeps its old bytes):
 * every page must write a null's slot with zeros itself, on each path (PLAIN and dictionary pages
 * with nulls, word and byte copies, decimals widened from bytes).
 */

const DIRTY_BUFFERS: ColumnBuffers = { bytes: (byteLength) => new Uint8Array(byteLength).fill(0xee), drop: () => undefined };

/** Value `v` of `width` bytes: every byte v + 1 (never 0, never the dirty 0xee). */
function valueBytes(v: number, width: number): number[] {
  return new Array<number>(width).fill(v + 1);
}

describe('fixed-width columns zero the slots of nulls in reused buffers', () => {
  // Slots 1, 2 and 4 null.
  const defined = new Uint8Array([1, 0, 0, 1, 0, 1]);
  for (const width of [3, 4, 8, 12, 16]) {
    const expected = [0, -1, -1, 1, -1, 2].flatMap((v) => (v < 0 ? new Array<number>(width).fill(0) : valueBytes(v, width)));

    test(`${width}-byte PLAIN values`, () => {
      const column = new FixedWidthColumn(6, width, DIRTY_BUFFERS);
      const plain = Uint8Array.from([0, 1, 2].flatMap((v) => valueBytes(v, width)));
      column.plain(plain, 0, plain.byteLength, 0, 6, defined);
      assert.deepEqual([...column.bytes], expected);
    });

    test(`${width}-byte dictionary entries`, () => {
      const column = new FixedWidthColumn(6, width, DIRTY_BUFFERS);
      const dictionary = Uint8Array.from([0, 1, 2].flatMap((v) => valueBytes(v, width)));
      column.setDictionary(dictionary, 0, dictionary.byteLength, 3);
      column.fromDictionary(new Int32Array([0, 1, 2]), 0, 6, defined);
      assert.deepEqual([...column.bytes], expected);
    });
  }

  test('decimals widened from 5-byte big-endian values', () => {
    const column = new DecimalBytesColumn(3, 5, DIRTY_BUFFERS);
    const plain = Uint8Array.from([0, 0, 0, 1, 2, 0xff, 0xff, 0xff, 0xff, 0xfe]);
    column.plain(plain, 0, plain.byteLength, 0, 3, new Uint8Array([1, 0, 1]));
    const words = new Int32Array(column.bytes.buffer, column.bytes.byteOffset, 12);
    assert.deepEqual([...words], [0x0102, 0, 0, 0, 0, 0, 0, 0, -2, -1, -1, -1]);
  });
});
