import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { ParquetFileEncoder } from '../../../src/parquet/parquetFileEncoder';
import { decodeParquet } from '../../../src/parquet/readParquet';
import { encodeParquet } from '../../../src/parquet/writeParquet';

/** Rows `from`.. in slices of `per` rows of one batch (one schema, as a writer's batches have). */
function batchesOf(from: number, count: number, per: number): RecordBatch[] {
  const whole = new Table({
    id: vectorFromArray(BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i))),
    name: vectorFromArray(Array.from({ length: count }, (_, i) => ((from + i) % 7 === 0 ? null : `name-${from + i}`)), new Utf8()),
  }).batches[0] as RecordBatch;
  const out: RecordBatch[] = [];
  for (let start = 0; start < count; start += per) out.push(whole.slice(start, Math.min(count, start + per)));
  return out;
}

function rowsOf(bytes: Uint8Array): Array<[bigint, string | null]> {
  const table = decodeParquet(bytes);
  const ids = table.getChild('id')?.toArray() as BigInt64Array;
  const names = table.getChild('name');
  return Array.from(ids, (id, i) => [id, (names?.get(i) as string | null) ?? null]);
}

describe('ParquetFileEncoder', () => {
  test('streams batches into the same file encodeParquet writes, row groups included', async () => {
    const batches = batchesOf(0, 2500, 300);
    const encoder = new ParquetFileEncoder({ rowGroupSize: 1000 });
    for (const batch of batches) await encoder.write(batch);
    const bytes = await encoder.finish();
    assert.deepEqual(bytes, encodeParquet(batches, { rowGroupSize: 1000 }));
    assert.deepEqual(parquetMetadata(bytes.slice().buffer).row_groups.map((g) => Number(g.num_rows)), [1000, 1000, 500]);
    const rows = rowsOf(bytes);
    assert.equal(rows.length, 2500);
    assert.deepEqual(rows[7], [7n, null]);
    assert.deepEqual(rows[2498], [2498n, 'name-2498']);
    assert.deepEqual(rows[2499], [2499n, null]);
  });

  test('files written side by side stay apart; an aborted one leaves the others intact', async () => {
    const a = new ParquetFileEncoder();
    const b = new ParquetFileEncoder({ compression: 'snappy' });
    const c = new ParquetFileEncoder();
    for (const [i, batch] of batchesOf(0, 600, 100).entries()) await [a, b, c][i % 3]?.write(batch);
    c.abort();
    const [first, second] = [await a.finish(), await b.finish()];
    assert.deepEqual(rowsOf(first).map(([id]) => id), [...[0, 300].flatMap((s) => Array.from({ length: 100 }, (_, i) => BigInt(s + i)))]);
    assert.deepEqual(rowsOf(second).map(([id]) => id), [...[100, 400].flatMap((s) => Array.from({ length: 100 }, (_, i) => BigInt(s + i)))]);
    assert.equal(parquetMetadata(second.slice().buffer).row_groups[0]?.columns[0]?.meta_data?.codec, 'SNAPPY');
  });

  test('finish without rows is refused (the schema comes from the first batch)', async () => {
    const encoder = new ParquetFileEncoder();
    await encoder.write(batchesOf(0, 10, 10)[0]!.slice(0, 0));
    await assert.rejects(encoder.finish(), RangeError);
    encoder.abort();
  });
});
