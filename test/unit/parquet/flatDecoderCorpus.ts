import assert from 'node:assert/strict';
import type { RecordBatch, Table, Vector } from 'apache-arrow';
import { decodeFlatParquet, decodeFlatParquetAsync } from '../../../src/parquet/flatDecoder/decodeFlatParquet';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import type { ZstdDecompress } from '../../../src/parquet/flatDecoder/nativeZstdDecompress';
import { decodeParquetWasm, type ParquetReadOptions } from '../../../src/parquet/readParquet';

/** A cell as comparable text: bigints, bytes (binary, decimals) and NaN / -0 kept apart. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (ArrayBuffer.isView(value)) return `[${Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)).join(',')}]`;
  if (typeof value === 'object' && Symbol.iterator in value) return `[${Array.from(value as Iterable<unknown>, cellText).join(',')}]`;
  return JSON.stringify(value);
}

/** Schema (field names, classes, types, nullability, metadata), batch sizes and every value equal. */
export function assertSameTable(actual: Table, expected: Table, label: string): void {
  const fieldText = (table: Table): string[] => table.schema.fields.map((f) =>
    `${f.name}|${f.type.constructor.name}|${String(f.type)}|${f.typeId}|${f.nullable}|${JSON.stringify([...f.metadata].sort())}`);
  assert.deepEqual(fieldText(actual), fieldText(expected), `${label}: fields`);
  assert.deepEqual([...actual.schema.metadata].sort(), [...expected.schema.metadata].sort(), `${label}: schema metadata`);
  assert.deepEqual(actual.batches.map((b) => b.numRows), expected.batches.map((b) => b.numRows), `${label}: batches`);
  for (const [index, field] of expected.schema.fields.entries()) {
    assert.equal(actual.getChildAt(index)?.nullCount, expected.getChildAt(index)?.nullCount, `${label}: ${field.name} nulls`);
  }
  // Batch by batch (the batch sizes are equal): a one-chunk vector's get is much cheaper than a table's.
  let first = 0;
  for (const [b, theirBatch] of expected.batches.entries()) {
    const ourBatch = actual.batches[b] as RecordBatch;
    for (const [index, field] of expected.schema.fields.entries()) {
      const ours = ourBatch.getChildAt(index) as Vector;
      const theirs = theirBatch.getChildAt(index) as Vector;
      for (const data of ours.data) assert.equal(data.offset, 0, `${label}: ${field.name} data offset`);
      for (let row = 0; row < theirs.length; row++) {
        const a = cellText(ours.get(row));
        const c = cellText(theirs.get(row));
        if (a !== c) assert.fail(`${label}: ${field.name} row ${first + row}: ${a} (flat decoder) vs ${c} (parquet-wasm)`);
      }
    }
    first += theirBatch.numRows;
  }
}

/**
 * Decodes `bytes` with the flat decoder and with parquet-wasm and compares them; returns whether
 * the flat decoder took the file (false: it left it to parquet-wasm).
 */
export function compareDecoders(bytes: Uint8Array, options: ParquetReadOptions, label: string): boolean {
  const plan = planFlatRead(bytes, options);
  if (plan === undefined) return false;
  const ours = decodeFlatParquet(bytes, plan, options.batchSize ?? 65536);
  assertSameTable(ours, decodeParquetWasm(bytes, options), label);
  return true;
}

/**
 * compareDecoders through the async path (ZSTD pages of `minPageBytes` or more decompressed ahead of
 * decoding by `decompress`); returns whether the flat decoder took the file.
 */
export async function compareDecodersAsync(
  bytes: Uint8Array, options: ParquetReadOptions, label: string, decompress: ZstdDecompress, minPageBytes?: number,
): Promise<boolean> {
  const plan = planFlatRead(bytes, options, true);
  if (plan === undefined) return false;
  const ours = await decodeFlatParquetAsync(bytes, plan, options.batchSize ?? 65536, decompress, minPageBytes);
  assertSameTable(ours, decodeParquetWasm(bytes, options), label);
  return true;
}
