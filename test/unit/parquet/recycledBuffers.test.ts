import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, Float64, Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { DecodeAllocations, recycleTable, RecycledBuffers, sizeClass } from '../../../src/parquet/flatDecoder/recycledBuffers';
import { decodeRowGroupRange, rowGroupRange, type RowGroupRange } from '../../../src/parquet/flatDecoder/rowGroupRange';
import { ParquetWorkerPool } from '../../../src/parquet/parquetWorkerPool';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { footerOf, rowsOf } from '../../helpers/rowGroupFiles';

const ROWS = 3000;
const GROUP_ROWS = 1000;
const COLUMNS = ['id', 'q', 'price', 'name', 'flag'];

/** Three row groups whose values differ per group, with NULLs (slots a reused buffer must leave zeroed). */
function threeGroups(): Uint8Array {
  const table = new Table({
    id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => BigInt(i) * 3n), new Int64()),
    q: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 7 === 0 ? null : i * (i < GROUP_ROWS ? 1 : -1))), new Int32()),
    price: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 11 === 0 ? null : i / 8)), new Float64()),
    // The first group's strings are the longest: a later group decoded into its buffer must not show their tails.
    name: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 13 === 0 ? null : `n${i % 17}-${'x'.repeat(i < GROUP_ROWS ? 40 : i % 3)}`)), new Utf8()),
    flag: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? null : i % 4 === 1)), new Bool()),
  });
  return encodeParquet(table.batches, { compression: 'zstd', rowGroupSize: GROUP_ROWS });
}

function rangeOf(file: Uint8Array, group: number): RowGroupRange {
  const range = rowGroupRange(footerOf(file), COLUMNS, group);
  assert.ok(range);
  return range;
}

/** Every group decoded into fresh buffers: what the recycled decodes must give. */
async function freshRows(file: Uint8Array): Promise<string[][]> {
  const rows: string[][] = [];
  for (let group = 0; group < ROWS / GROUP_ROWS; group++) {
    const range = rangeOf(file, group);
    const table = await decodeRowGroupRange(range, file.slice(range.from, range.end), 300);
    assert.ok(table);
    rows.push(rowsOf(table));
  }
  return rows;
}

describe('RecycledBuffers', () => {
  test('a given-back buffer is taken again, zeroed, for a request of at least half its size', () => {
    const pool = new RecycledBuffers();
    const first = pool.take(1000);
    first.fill(7);
    pool.give([first.buffer as ArrayBuffer]);
    assert.equal(pool.heldBytes, 1024, 'a fresh buffer is of the size class of its request');
    assert.equal(pool.take(2000).buffer === first.buffer, false, 'too small for 2,000 bytes');
    assert.equal(pool.take(400).buffer === first.buffer, false, '400 bytes would waste most of it');
    const again = pool.take(600);
    assert.equal(again.buffer, first.buffer);
    assert.equal(again.byteLength, 600);
    assert.ok(again.every((byte) => byte === 0));
    assert.equal(pool.heldBytes, 0);
    again.fill(9);
    pool.give([again.buffer as ArrayBuffer]);
    const unzeroed = pool.take(700, false);
    assert.equal(unzeroed.buffer, first.buffer);
    assert.equal(unzeroed[0], 9, 'a caller that writes every byte it reads skips the zeroing');
  });

  test('a fresh buffer is rounded up to its size class, which a slightly larger request of the next group fits', () => {
    assert.deepEqual([0, 1, 16, 17, 1000, 4096, 4097, 40_000_000].map(sizeClass), [0, 1, 16, 17, 1024, 4096, 4352, 41_943_040]);
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.37)) {
      const size = sizeClass(bytes);
      assert.ok(size >= bytes && size <= bytes * 1.0625, `${bytes} -> ${size}`);
    }
    const pool = new RecycledBuffers(true);
    const first = pool.take(40_000_000, false);
    assert.equal(first.byteLength, 40_000_000);
    pool.give([first.buffer]);
    const next = pool.take(40_100_000, false);
    assert.equal(next.buffer, first.buffer, 'the next group\'s chunk bytes, 100 KB more, reuse the buffer');
    assert.equal(next.byteLength, 40_100_000);
  });

  test('an allocation outgrown while decoding goes back at once; the others stay taken', () => {
    const pool = new RecycledBuffers();
    const allocations = new DecodeAllocations(pool);
    const small = allocations.bytes(64);
    const kept = allocations.bytes(128);
    allocations.drop(small);
    assert.deepEqual([...allocations.taken], [kept.buffer]);
    assert.equal(pool.heldBytes, 64);
  });
});

describe('row groups decoded into recycled buffers', () => {
  const workers = new ParquetWorkerPool(1);
  after(() => workers.close());

  test('a shared pool hands out shared memory, reused zeroed when asked', () => {
    const pool = new RecycledBuffers(true);
    const first = pool.take(1000);
    assert.ok(first.buffer instanceof SharedArrayBuffer);
    first.fill(7);
    pool.give([first.buffer]);
    const again = pool.take(900);
    assert.equal(again.buffer, first.buffer);
    assert.deepEqual([...new Set(again)], [0]);
    assert.ok(new RecycledBuffers().take(10).buffer instanceof ArrayBuffer);
  });

  test('on this thread: the next groups reuse the given-back buffers and give exactly the fresh rows', async () => {
    const file = threeGroups();
    const expected = await freshRows(file);
    const pool = new RecycledBuffers();
    let reused = 0;
    let previous: Set<ArrayBufferLike> | undefined;
    for (const group of [0, 1, 2, 0]) {
      const range = rangeOf(file, group % 3);
      const allocations = new DecodeAllocations(pool);
      const table = await decodeRowGroupRange(range, file.slice(range.from, range.end), 300, allocations);
      assert.ok(table);
      reused += [...allocations.taken].filter((buffer) => previous?.has(buffer)).length;
      assert.deepEqual(rowsOf(table), expected[group]);
      previous = new Set(allocations.taken);
      pool.give(allocations.taken);
    }
    assert.ok(reused >= 9, `${reused} buffers reused`);
  });

  test('in the worker: shared buffers go back only when recycled, and the groups decoded meanwhile keep their rows', async () => {
    const file = threeGroups();
    const expected = await freshRows(file);
    const decode = (group: number): Promise<Table> => {
      const range = rangeOf(file, group);
      return workers.decodeRange(range, file.slice(range.from, range.end), 300);
    };
    const first = await decode(0);
    // Decoded ahead while the first is still read: its buffers must not be the first one's.
    const second = await decode(1);
    assert.deepEqual(rowsOf(first), expected[0]);
    // The worker's column buffers are shared memory (no transfer: they do not drive its full GCs).
    assert.ok(first.batches[0]?.getChild('id')?.data[0]?.values.buffer instanceof SharedArrayBuffer);
    recycleTable(first);
    const third = await decode(2);
    const again = await decode(0);
    assert.deepEqual(rowsOf(second), expected[1]);
    assert.deepEqual(rowsOf(third), expected[2]);
    assert.deepEqual(rowsOf(again), expected[0]);
    recycleTable(second);
    recycleTable(third);
    assert.deepEqual(rowsOf(again), expected[0]);
  });
});
