import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, DateDay, Decimal, Float64, Int32, Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { decodeRowGroupRange, rowGroupRange, type RowGroupRange } from '../../../src/parquet/flatDecoder/rowGroupRange';
import { ParquetDecodeError } from '../../../src/parquet/parquetDecodeError';
import { ParquetWorkerPool } from '../../../src/parquet/parquetWorkerPool';
import { fromTransferable, toTransferable } from '../../../src/parquet/transferableTable';
import { encodeParquet } from '../../../src/parquet/writeParquet';
import { footerOf, rowsOf } from '../../helpers/rowGroupFiles';

const ROWS = 2500;

/** Two row groups of 1,250 rows over the flat types a DML rewrite reads, with NULLs in most columns. */
function wideFile(compression: 'snappy' | 'zstd'): Uint8Array {
  const nullEvery = (n: number, i: number): boolean => i % n === 0;
  const table = new Table({
    id: vectorFromArray(Array.from({ length: ROWS }, (_, i) => BigInt(i) * 1_000_000_007n), new Int64()),
    q: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (nullEvery(7, i) ? null : (i % 2000) - 1000)), new Int32()),
    price: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (nullEvery(11, i) ? null : i / 8)), new Float64()),
    name: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (nullEvery(13, i) ? null : `name-${i % 17}-${'x'.repeat(i % 5)}`)), new Utf8()),
    flag: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (nullEvery(3, i) ? null : i % 4 === 1)), new Bool()),
    day: vectorFromArray(Array.from({ length: ROWS }, (_, i) => new Date(Date.UTC(2020, 0, 1 + (i % 400)))), new DateDay()),
    at: vectorFromArray(Array.from({ length: ROWS }, (_, i) => 1_577_836_800_000 + i * 1000), new TimestampMicrosecond('UTC')),
    amount: vectorFromArray(Array.from({ length: ROWS }, (_, i) => (nullEvery(5, i) ? null : Uint32Array.of(i * 7907, 0, 0, 0))), new Decimal(2, 18, 128)),
  });
  return encodeParquet(table.batches, { compression, rowGroupSize: 1250 });
}

const bytesOf = (file: Uint8Array, range: RowGroupRange): Uint8Array => file.slice(range.from, range.end);

describe('row group ranges decoded in the worker pool', () => {
  const pool = new ParquetWorkerPool(1);
  after(() => pool.close());

  test('the pool gives the rows this thread decodes, batch for batch, for every column and for a few', async () => {
    for (const compression of ['snappy', 'zstd'] as const) {
      const file = wideFile(compression);
      const footer = footerOf(file);
      assert.ok(readParquetFooter(footer));
      for (const [group, columns] of [[0, ['id', 'q', 'price', 'name', 'flag', 'day', 'at', 'amount']], [1, ['name', 'amount']], [1, ['q']]] as const) {
        const range = rowGroupRange(footer, columns, group);
        assert.ok(range, `${compression} group ${group}`);
        const here = await decodeRowGroupRange(range, bytesOf(file, range), 300);
        assert.ok(here);
        const pooled = await pool.decodeRange(range, bytesOf(file, range), 300);
        assert.equal(pooled.batches.length, 5, 'batches of 300 rows over 1,250');
        assert.deepEqual(pooled.batches.map((b) => b.numRows), here.batches.map((b) => b.numRows));
        assert.deepEqual(pooled.schema.fields.map((f) => `${f.name}:${String(f.type)}`), here.schema.fields.map((f) => `${f.name}:${String(f.type)}`));
        assert.deepEqual(rowsOf(pooled), rowsOf(here), `${compression} group ${group} ${columns.join(',')}`);
        assert.equal(pooled.getChild('q')?.nullCount ?? 0, here.getChild('q')?.nullCount ?? 0);
      }
    }
  });

  test('columns the file lacks make an empty range: the group\'s rows with no columns', async () => {
    const file = wideFile('snappy');
    const range = rowGroupRange(footerOf(file), ['added_later'], 1);
    assert.ok(range);
    assert.equal(range.end - range.from, 0);
    const table = await decodeRowGroupRange(range, new Uint8Array(0), 1000);
    assert.equal(table?.numRows, 1250);
    assert.equal(table?.numCols, 0);
  });

  test('a corrupt page fails the request with ParquetDecodeError; the pool goes on', async () => {
    const file = wideFile('snappy');
    const range = rowGroupRange(footerOf(file), ['name'], 0);
    assert.ok(range);
    const broken = bytesOf(file, range);
    broken.fill(0xff, 40, broken.byteLength - 40);
    await assert.rejects(pool.decodeRange(range, broken, 1000), (error: unknown) => error instanceof ParquetDecodeError);
    const table = await pool.decodeRange(range, bytesOf(file, range), 1000);
    assert.equal(table.numRows, 1250);
  });
});

describe('transferableTable', () => {
  test('moves the buffers of sliced batches (offsets kept) and rebuilds the same rows', () => {
    const table = new Table({
      n: vectorFromArray([1, null, 3, 4, null, 6], new Int32()),
      s: vectorFromArray(['a', 'bb', null, 'dddd', '', 'f'], new Utf8()),
      d: vectorFromArray([Uint32Array.of(5, 0, 0, 0), null, Uint32Array.of(7, 0, 0, 0), Uint32Array.of(1, 0, 0, 0), Uint32Array.of(2, 0, 0, 0), null], new Decimal(2, 18, 128)),
    });
    const batch = table.batches[0]!;
    const sliced = new Table([batch.slice(0, 2), batch.slice(2, 6)]);
    const moved = toTransferable(sliced);
    assert.ok(moved);
    const before = rowsOf(sliced);
    const cloned = structuredClone(moved.message, { transfer: moved.transfer });
    assert.equal(moved.transfer.every((buffer) => buffer.byteLength === 0), true, 'transferred, not copied');
    const back = fromTransferable(cloned);
    assert.deepEqual(back.batches.map((b) => b.numRows), [2, 4]);
    assert.deepEqual(rowsOf(back), before);
    assert.equal(back.getChild('s')?.nullCount, 1);
  });
});
