import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRleHybrid } from '../../../src/parquet/flatDecoder/rleHybridDecoder';
import { PageBuffers } from '../../../src/parquet/flatEncoder/pageBuffers';
import { encodeHybrid } from '../../../src/parquet/flatEncoder/rleHybrid';

test('RLE/bit-packed indices of every width up to 24 decode to the values, also in a reused buffer full of stale bytes', () => {
  let state = 12345;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const buffers = new PageBuffers();
  // A buffer of 0xff bytes in the pool: what the encoder leaves unwritten would show.
  const stale = buffers.take(1 << 20);
  new Uint8Array(stale).fill(0xff);
  buffers.give(stale);
  for (let bitWidth = 1; bitWidth <= 24; bitWidth++) {
    for (const count of [1, 7, 8, 9, 65, 4099]) {
      // Random values with runs of repeats (RLE runs between bit-packed groups).
      const values = new Int32Array(count);
      for (let i = 0; i < count; i++) values[i] = i > 0 && next() % 3 === 0 ? (values[i - 1] as number) : next() % 2 ** bitWidth;
      const prefix = 3;
      const encoded = encodeHybrid(values, count, bitWidth, prefix, buffers);
      const decoded = new Int32Array(count);
      decodeRleHybrid(encoded, prefix, encoded.length, bitWidth, count, decoded);
      assert.deepEqual(decoded, values, `bit width ${bitWidth}, ${count} values`);
      // The last group's padding is zeros, whatever the buffer held.
      const plain = new Int32Array(8).fill(0);
      const tail = encodeHybrid(Int32Array.of(2 ** bitWidth - 1), 1, bitWidth, 0, buffers);
      decodeRleHybrid(tail, 0, tail.length, bitWidth, 8, plain);
      assert.deepEqual([...plain], [2 ** bitWidth - 1, 0, 0, 0, 0, 0, 0, 0], `padding at bit width ${bitWidth}`);
      buffers.give(encoded.buffer);
      buffers.give(tail.buffer);
    }
  }
});
