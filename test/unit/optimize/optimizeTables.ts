import { Data, Field, Float64, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { DeltaTable } from '../../../src/delta/table';
import { writeTable } from '../../../src/delta/write/writeTable';
import { seededRandom } from '../../../src/ops/optimize/seededRandom';

/**
 * Rows `first .. first + count - 1` of the optimize test tables: id, two independent uniform long
 * columns x and y (0..999,999), a double w, a partition column and a payload string.
 */
export function rowsBatch(first: number, count: number, part: string, seed = first + 1): RecordBatch {
  const random = seededRandom(seed);
  const x = new BigInt64Array(count);
  const y = new BigInt64Array(count);
  const w = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    x[i] = BigInt(Math.floor(random() * 1_000_000));
    y[i] = BigInt(Math.floor(random() * 1_000_000));
    w[i] = random();
  }
  const fields = [
    new Field('id', new Int64(), true), new Field('x', new Int64(), true), new Field('y', new Int64(), true),
    new Field('w', new Float64(), true), new Field('part', new Utf8(), true), new Field('payload', new Utf8(), true),
  ];
  const children = [
    makeData({ type: new Int64(), length: count, nullCount: 0, data: BigInt64Array.from({ length: count }, (_, i) => BigInt(first + i)) }),
    makeData({ type: new Int64(), length: count, nullCount: 0, data: x }),
    makeData({ type: new Int64(), length: count, nullCount: 0, data: y }),
    makeData({ type: new Float64(), length: count, nullCount: 0, data: w }),
    vectorFromArray(Array.from({ length: count }, () => part), new Utf8()).data[0] as Data,
    vectorFromArray(Array.from({ length: count }, (_, i) => `row ${first + i}`), new Utf8()).data[0] as Data,
  ];
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: count, nullCount: 0, children }));
}

/** A table of `files` small files (one per batch of `rowsPerFile` rows), partitions cycling through `parts`. */
export async function writeSmallFiles(
  dir: string, files: number, rowsPerFile: number,
  options: { parts?: string[]; partitioned?: boolean; properties?: Record<string, string>; firstId?: number } = {},
): Promise<void> {
  const parts = options.parts ?? ['a'];
  const first = options.firstId ?? 0;
  const batches = Array.from({ length: files }, (_, f) => rowsBatch(first + f * rowsPerFile, rowsPerFile, parts[f % parts.length] as string));
  // A 1-byte target closes a file after every batch: one file per batch, in one commit.
  await writeTable(dir, batches, {
    targetFileSize: 1,
    ...(options.partitioned ? { partitionBy: ['part'] } : {}),
    ...(options.properties ? { properties: options.properties } : {}),
  });
}

/** Every row of the latest version as sorted JSON lines (order-insensitive comparison). */
export async function tableRows(dir: string, version?: number): Promise<string[]> {
  const snapshot = await (await DeltaTable.open(dir)).snapshot(version === undefined ? {} : { version });
  const lines: string[] = [];
  for await (const batch of snapshot.scan().batches()) {
    for (const row of batch) {
      lines.push(JSON.stringify(row?.toJSON(), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    }
  }
  return lines.sort();
}
