import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Bool, Float64, Table, Utf8, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
import { ParquetFileEncoder } from '../../../src/parquet/parquetFileEncoder';
import { plainColumns } from '../../../src/parquet/plainColumns';
import { decodeParquet } from '../../../src/parquet/readParquet';

/** 100,000 rows: columns of every cardinality plainColumns must tell apart. */
function sampleBatch(rows = 100_000): RecordBatch {
  return new Table({
    id: vectorFromArray(BigInt64Array.from({ length: rows }, (_, i) => BigInt(i))),
    // 50,000 distinct doubles, each twice: 400 KB of dictionary, fits a page.
    ratio: vectorFromArray(Float64Array.from({ length: rows }, (_, i) => (i % 50_000) / 7)),
    name: vectorFromArray(Array.from({ length: rows }, (_, i) => `customer-${String((i * 7919) % 1_000_003).padStart(7, '0')}`), new Utf8()),
    category: vectorFromArray(Array.from({ length: rows }, (_, i) => `category-${i % 24}`), new Utf8()),
    // Unique where set, but too few values set to judge.
    sparse: vectorFromArray(Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? i / 3 : null)), new Float64()),
    flag: vectorFromArray(Array.from({ length: rows }, (_, i) => i % 3 === 0), new Bool()),
  }).batches[0] as RecordBatch;
}

describe('plainColumns', () => {
  test('drops the dictionary of columns whose row-group dictionary would overflow its page, keeps the repeating ones', () => {
    assert.deepEqual(plainColumns(sampleBatch()), ['id', 'name']);
  });

  test('a row group small enough for the dictionary to fit keeps a repeating column', () => {
    // 30,000 distinct names in 100,000 rows: a 1M-row group overflows the page, a 20,000-row group does not.
    const names = vectorFromArray(Array.from({ length: 100_000 }, (_, i) => `a-rather-long-customer-name-${i % 30_000}`), new Utf8());
    const batch = new Table({ name: names }).batches[0] as RecordBatch;
    assert.deepEqual(plainColumns(batch), ['name']);
    assert.deepEqual(plainColumns(batch, 20_000), []);
  });

  test('a batch too small to judge keeps every dictionary', () => {
    assert.deepEqual(plainColumns(sampleBatch(10_000)), []);
  });

  test('the chosen columns are written PLAIN, the others with a dictionary, and read back the same', async () => {
    const batch = sampleBatch();
    const encoder = new ParquetFileEncoder({ plainColumns: plainColumns(batch) });
    await encoder.write(batch);
    const bytes = await encoder.finish();
    const chunks = parquetMetadata(bytes.slice().buffer).row_groups[0]?.columns ?? [];
    const dictionary = Object.fromEntries(chunks.map((c) => [c.meta_data?.path_in_schema.join('.'), c.meta_data?.encodings.includes('RLE_DICTIONARY')]));
    assert.deepEqual(dictionary, { id: false, ratio: true, name: false, category: true, sparse: true, flag: false });
    const table = decodeParquet(bytes);
    assert.equal(table.numRows, 100_000);
    assert.equal(table.getChild('id')?.get(99_999), 99_999n);
    assert.equal(table.getChild('name')?.get(12_345), `customer-${String((12_345 * 7919) % 1_000_003).padStart(7, '0')}`);
    assert.equal(table.getChild('ratio')?.get(75_000), 25_000 / 7);
    assert.equal(table.getChild('sparse')?.get(11), null);
  });
});
