import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Int32, Int64, Table, tableFromArrays, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { deleteRows } from '../../../src/delta/write/deleteRows';
import { writeTable } from '../../../src/delta/write/writeTable';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { columnEncodingHints } from '../../../src/parquet/flatEncoder/columnEncodingHints';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { withTempTable } from '../write/helpers';

const ROWS = 300_000;

/** The table's only data file: its size and how its footer says each column is stored. */
async function onlyFile(dir: string): Promise<{ size: number; encodings: Record<string, string> }> {
  const files = (await (await DeltaTable.open(dir)).snapshot()).files();
  assert.equal(files.length, 1);
  const bytes = new Uint8Array(await readFile(join(dir, decodeURIComponent(files[0]?.path ?? ''))));
  const footer = readParquetFooter(bytes);
  assert.ok(footer, 'a Parquet footer');
  return { size: bytes.byteLength, encodings: Object.fromEntries(columnEncodingHints(footer)) };
}

describe('a copy-on-write rewrite stores each column as the file it rewrites did', () => {
  test('DELETE of 1,000 of 300,000 rows keeps PLAIN unique columns PLAIN and the file its size', async () => {
    await withTempTable(async (dir) => {
      // As a CSV import: unique ids and amounts (PLAIN, judged on the import's first 65,536 rows),
      // a category that repeats (dictionary).
      await writeTable(dir, tableFromArrays({
        id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
        amount: Float64Array.from({ length: ROWS }, (_, i) => ((i * 7_919) % 1_000_003) / 100 + i * 1e-7),
        category: Array.from({ length: ROWS }, (_, i) => `category-${(i * 31) % 40}`),
      }).batches);
      const before = await onlyFile(dir);
      assert.deepEqual(before.encodings, { id: 'plain', amount: 'plain', category: 'dictionary' });
      // The first 65,536-row batch read back loses 1,000 rows: too few for the encoder's own sample.
      const deleted = await deleteRows(dir, 'id < 1000');
      assert.equal(deleted.rowsRemoved, 1000);
      const after = await onlyFile(dir);
      assert.deepEqual(after.encodings, before.encodings);
      // Fewer rows, the same storage: about the same size (the dictionaries of unique values grew it by half).
      assert.ok(after.size <= before.size * 1.01, `rewritten ${after.size} bytes, was ${before.size}`);
      assert.ok(after.size >= before.size * 0.95, `rewritten ${after.size} bytes, was ${before.size}`);
      const snapshot = await (await DeltaTable.open(dir)).snapshot();
      assert.equal(snapshot.files()[0]?.stats?.includes('"numRecords":299000'), true);
    });
  });
});

describe('FlatParquetEncoder.preferEncodings', () => {
  /** How the encoder stores each column of `columns`, written as one batch after the hints. */
  async function storedAs(columns: Record<string, Vector>, hints: Record<string, 'dictionary' | 'plain'>): Promise<Record<string, string>> {
    const batch = new Table(columns).batches[0];
    assert.ok(batch);
    const encoder = flatParquetEncoder(batch.schema, { compression: 'uncompressed' });
    assert.ok(encoder);
    encoder.preferEncodings(new Map(Object.entries(hints)));
    await encoder.write(batch);
    const footer = readParquetFooter(await encoder.finish());
    assert.ok(footer);
    return Object.fromEntries(columnEncodingHints(footer));
  }

  test('a short first write follows the hint: PLAIN for values that all differ, a dictionary where the source had one', async () => {
    const n = 5_000;
    const unique = vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i * 3)), new Int64());
    const stored = await storedAs({ a: unique, b: unique, c: unique }, { a: 'plain', b: 'dictionary' });
    // Without a hint, 5,000 rows are too few to judge: the column tries a dictionary, as before.
    assert.deepEqual(stored, { a: 'plain', b: 'dictionary', c: 'dictionary' });
  });

  test('a PLAIN hint gives way to values that repeat (a source written without dictionaries)', async () => {
    const n = 5_000;
    const stored = await storedAs({
      few: vectorFromArray(Array.from({ length: n }, (_, i) => i % 10), new Int32()),
      words: vectorFromArray(Array.from({ length: n }, (_, i) => `w${i % 7}`), new Utf8()),
      unique: vectorFromArray(Array.from({ length: n }, (_, i) => `u${i}`), new Utf8()),
    }, { few: 'plain', words: 'plain', unique: 'plain' });
    assert.deepEqual(stored, { few: 'dictionary', words: 'dictionary', unique: 'plain' });
  });
});
