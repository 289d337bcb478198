import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BufferType, Data, DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, Utf8, makeData, vectorFromArray, type DataType,
  type Table,
} from 'apache-arrow';
import { dictionaryOverflowed, dictionaryRowsOf, rememberDecodedStorage } from '../../../src/parquet/dictionaryRows';
import { chunkStart } from '../../../src/parquet/flatDecoder/columnChunkDecoder';
import { PAGE_TYPE, readPageHeader } from '../../../src/parquet/flatDecoder/pageHeader';
import { decodeFlatParquetNative, hasNativeZstd } from '../../../src/parquet/flatDecoder/decodeFlatParquet';
import { planFlatRead } from '../../../src/parquet/flatDecoder/flatParquetPlan';
import { readParquetFooter } from '../../../src/parquet/flatDecoder/parquetFooter';
import { columnEncodingHints } from '../../../src/parquet/flatEncoder/columnEncodingHints';
import { flatParquetEncoder } from '../../../src/parquet/flatEncoder/flatParquetEncoder';
import { fromTransferable, toTransferable } from '../../../src/parquet/transferableTable';
import { requirePeerPython } from '../../helpers/peers';

const execFileAsync = promisify(execFile);

const ROWS = 150_000;
/** Two row groups in the source file: two dictionaries per column, one decode each. */
const SOURCE_GROUP_ROWS = 90_000;
/** Batches a rewrite reads a group in. */
const BATCH_ROWS = 40_000;
/** The rewrite drops every row whose number is 3 modulo 10. */
const kept = (row: number): boolean => row % 10 !== 3;

interface Column { name: string; type: DataType; value: (i: number) => unknown }

const COLUMNS: Column[] = [
  { name: 'cat', type: new Utf8(), value: (i) => (i % 11 === 0 ? null : `category-${(i * 7) % 24}`) },
  { name: 'qty', type: new Int32(), value: (i) => ((i * 7919) % 2000) - 1000 },
  // 65,537 doubles, a NaN and -0 among them: a dictionary of 512 KiB, hashed once per chunk.
  { name: 'ratio', type: new Float64(), value: (i) => (i % 997 === 0 ? Number.NaN : i % 991 === 0 ? -0 : ((i * 69_621) % 65_537) / 65_537 - 0.5) },
  { name: 'day', type: new DateDay(), value: (i) => (i % 17 === 3 ? null : Date.UTC(2020, 0, 1 + (i % 50))) },
  // Stored as INT64: the decoder widens it to Decimal128, the encoder reads the low words again.
  { name: 'dec18', type: new Decimal(2, 18, 128), value: (i) => Uint32Array.of((i % 300) * 1000, 0, 0, 0) },
  { name: 'id', type: new Int64(), value: (i) => BigInt(i) * 3n },
  // Few values in the first page, then unique: the source's dictionary fills up in its second page
  // (PLAIN pages follow), so its rows are not noted; its second row group has no dictionary.
  { name: 'late', type: new Utf8(), value: (i) => (i < 66_000 ? `v${i % 5}` : `unique-${i}-`.padEnd(48, '#')) },
];

function sourceBatch(): RecordBatch {
  const fields = COLUMNS.map((c) => new Field(c.name, c.type, true));
  const children = COLUMNS.map((c) => vectorFromArray(Array.from({ length: ROWS }, (_, i) => c.value(i)), c.type).data[0] as Data);
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: ROWS, children }));
}

async function encodeSource(): Promise<Uint8Array> {
  const batch = sourceBatch();
  const encoder = flatParquetEncoder(batch.schema, { compression: 'zstd', rowGroupSize: SOURCE_GROUP_ROWS });
  assert.ok(encoder);
  await encoder.write(batch);
  return encoder.finish();
}

/** The file's rows as a rewrite reads them: a row group at a time, in batches, with the source's encodings. */
async function* decodedBatches(
  file: Uint8Array, columns = COLUMNS.map((c) => c.name), through: (table: Table) => Table = (table) => table,
): AsyncGenerator<{ batch: RecordBatch; first: number }> {
  const footer = readParquetFooter(file);
  assert.ok(footer);
  let first = 0;
  for (const [group, meta] of footer.rowGroups.entries()) {
    const plan = planFlatRead(file, { columns, rowGroups: [group] }, hasNativeZstd());
    assert.ok(plan);
    const table = through(await decodeFlatParquetNative(file, plan, BATCH_ROWS));
    let at = first;
    for (const batch of table.batches) {
      yield { batch, first: at };
      at += batch.numRows;
    }
    first += meta.numRows;
  }
}

/** The same batch over copies of its buffers: nothing links its values to a decoded dictionary. */
function copied(batch: RecordBatch): RecordBatch {
  const children = batch.data.children.map((data) => new Data(data.type, 0, data.length, data.nullCount, {
    [BufferType.OFFSET]: data.valueOffsets?.slice(),
    [BufferType.DATA]: data.values.slice(),
    [BufferType.VALIDITY]: data.nullBitmap?.slice(),
  }));
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: batch.numRows, children }));
}

/** The kept rows of `columns` of `file` written again, from the decoded batches as they are or from copies of them. */
async function rewrite(file: Uint8Array, fromCopies: boolean, columns?: string[], through?: (table: Table) => Table): Promise<Uint8Array> {
  const footer = readParquetFooter(file);
  assert.ok(footer);
  let encoder: ReturnType<typeof flatParquetEncoder>;
  for await (const { batch, first } of decodedBatches(file, columns, through)) {
    encoder ??= flatParquetEncoder(batch.schema, { compression: 'zstd' });
    assert.ok(encoder);
    encoder.preferEncodings(columnEncodingHints(footer));
    const keep = Uint8Array.from({ length: batch.numRows }, (_, r) => (kept(first + r) ? 1 : 0));
    await encoder.write(fromCopies ? copied(batch) : batch, keep);
  }
  assert.ok(encoder);
  return encoder.finish();
}

/** `table` as a worker of the pool hands it back: its buffers moved through a structured clone. */
function transferred(table: Table): Table {
  const moved = toTransferable(table);
  assert.ok(moved);
  return fromTransferable(structuredClone(moved.message, { transfer: moved.transfer }));
}

/** A value in a form that tells NaN, -0 and decimal words apart. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (ArrayBuffer.isView(value)) return Array.from(value as Uint32Array).join(',');
  return JSON.stringify(value);
}

describe('a rewrite encodes rows decoded from a dictionary by their entries (DictionaryRows)', () => {
  test('the decoder notes the entries of wholly dictionary-encoded chunks, and chunks whose dictionary filled up', async () => {
    const file = await encodeSource();
    const overflowedIn: string[][] = [];
    for await (const { batch, first } of decodedBatches(file)) {
      const noted = COLUMNS.filter((_, i) => dictionaryRowsOf(batch.data.children[i] as Data) !== undefined).map((c) => c.name);
      // `id` is PLAIN (its values all differ); `late` falls back to PLAIN pages in the first group, the second has no dictionary.
      assert.deepEqual(noted, ['cat', 'qty', 'ratio', 'day', 'dec18']);
      if (first === 0 || first === SOURCE_GROUP_ROWS) overflowedIn.push(COLUMNS.filter((_, i) => dictionaryOverflowed(batch.data.children[i] as Data)).map((c) => c.name));
      const qty = batch.data.children[1] as Data;
      const rows = dictionaryRowsOf(qty);
      assert.ok(rows);
      for (let r = 0; r < qty.length; r += 997) assert.equal(rows.dictionary.values[rows.indices[r] as number], qty.values[r]);
    }
    assert.deepEqual(overflowedIn, [['late'], []]);
  });

  test('the file comes out byte for byte as when every value is hashed, and holds the kept rows', async () => {
    const file = await encodeSource();
    // Without `late`: its rows come with the overflow, which copies lose (see the next test).
    const columns = COLUMNS.map((c) => c.name).filter((name) => name !== 'late');
    const passed = await rewrite(file, false, columns);
    const hashed = await rewrite(file, true, columns);
    assert.equal(Buffer.compare(Buffer.from(passed), Buffer.from(hashed)), 0, 'the same bytes');
    const footer = readParquetFooter(passed);
    assert.ok(footer);
    assert.deepEqual(Object.fromEntries(columnEncodingHints(footer)),
      { cat: 'dictionary', qty: 'dictionary', ratio: 'dictionary', day: 'dictionary', dec18: 'dictionary', id: 'plain' });
  });

  test('every kept row reads back; a chunk whose source dictionary filled up is PLAIN', async () => {
    const passed = await rewrite(await encodeSource(), false);
    const footer = readParquetFooter(passed);
    assert.ok(footer);
    assert.equal(columnEncodingHints(footer).get('late'), 'plain');
    const source = sourceBatch();
    const want = COLUMNS.map((_, c) => {
      const vector = source.getChildAt(c);
      assert.ok(vector);
      return Array.from({ length: ROWS }, (_, i) => i).filter(kept).map((i) => canonical(vector.get(i)));
    });
    const got: string[][] = COLUMNS.map(() => []);
    for await (const { batch } of decodedBatches(passed)) {
      COLUMNS.forEach((_, c) => {
        const vector = batch.getChildAt(c);
        assert.ok(vector);
        for (let r = 0; r < batch.numRows; r++) got[c]?.push(canonical(vector.get(r)));
      });
    }
    COLUMNS.forEach((column, c) => assert.deepEqual(got[c], want[c], column.name));
  });

  test('a table decoded in a worker keeps its dictionary rows (one dictionary per column) and overflow marks', async () => {
    const file = await encodeSource();
    let dictionaries = new Set<Data>();
    for await (const { batch, first } of decodedBatches(file, undefined, transferred)) {
      if (first === 0 || first === SOURCE_GROUP_ROWS) dictionaries = new Set();
      const noted = COLUMNS.filter((_, i) => dictionaryRowsOf(batch.data.children[i] as Data) !== undefined).map((c) => c.name);
      assert.deepEqual(noted, ['cat', 'qty', 'ratio', 'day', 'dec18']);
      assert.equal(dictionaryOverflowed(batch.data.children[COLUMNS.length - 1] as Data), first < SOURCE_GROUP_ROWS);
      const ratio = dictionaryRowsOf(batch.data.children[2] as Data);
      assert.ok(ratio);
      dictionaries.add(ratio.dictionary);
      assert.equal(dictionaries.size, 1, 'the batches of a group share one dictionary Data');
    }
    const direct = await rewrite(file, false);
    assert.equal(Buffer.compare(Buffer.from(await rewrite(file, false, undefined, transferred)), Buffer.from(direct)), 0, 'the same bytes');
  });

  test('rows from a chunk whose dictionary filled up end the dictionary of the chunk they join, also after other rows', async () => {
    // As in a MERGE: a few computed rows (updated ones) open the row group, then copied rows come
    // from an overflowed chunk. Their few values would pay in a dictionary: the mark alone makes them PLAIN.
    const fields = [new Field('label', new Utf8(), true)];
    const batchOf = (count: number, overflowed: boolean): RecordBatch => {
      const data = vectorFromArray(Array.from({ length: count }, (_, i) => `v${i % 5}`), new Utf8()).data[0] as Data;
      if (overflowed) rememberDecodedStorage(data, 'overflowed');
      return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: count, children: [data] }));
    };
    const encoder = flatParquetEncoder(new Schema(fields), { compression: 'uncompressed' });
    assert.ok(encoder);
    await encoder.write(batchOf(500, false));
    await encoder.write(batchOf(30_000, true), new Uint8Array(30_000).fill(1));
    const file = await encoder.finish();
    const chunk = readParquetFooter(file)?.rowGroups[0]?.columns[0];
    assert.ok(chunk);
    const encodings: number[] = [];
    for (let at = chunkStart(chunk); at < chunkStart(chunk) + chunk.totalCompressedSize;) {
      const header = readPageHeader(file, at);
      if (header.type === PAGE_TYPE.DATA) encodings.push(header.encoding);
      at = header.dataOffset + header.compressedSize;
    }
    // RLE_DICTIONARY (8) for the computed rows, PLAIN (0) for the copied ones.
    assert.deepEqual(encodings, [8, 0]);
  });

  test('pyarrow reads the rewritten file\'s values', async (t) => {
    const python = requirePeerPython(t);
    if (!python) return;
    const dir = await mkdtemp(join(tmpdir(), 'dictionary-rows-'));
    try {
      const path = join(dir, 'rewritten.parquet');
      await writeFile(path, await rewrite(await encodeSource(), false));
      const script = [
        'import json, sys, pyarrow.parquet as pq',
        't = pq.read_table(sys.argv[1])',
        'print(json.dumps({"rows": t.num_rows, "cat": t.column("cat").to_pylist()[:12], "qty": sum(t.column("qty").to_pylist()),',
        '  "days": sorted({d.isoformat() for d in t.column("day").to_pylist() if d is not None})[:2]}))',
      ].join('\n');
      const { stdout } = await execFileAsync(python, ['-c', script, path], { maxBuffer: 64 * 1024 * 1024 });
      const read = JSON.parse(stdout) as { rows: number; cat: Array<string | null>; qty: number; days: string[] };
      const keptRows = Array.from({ length: ROWS }, (_, i) => i).filter(kept);
      assert.equal(read.rows, keptRows.length);
      assert.deepEqual(read.cat, keptRows.slice(0, 12).map((i) => COLUMNS[0]?.value(i)));
      assert.equal(read.qty, keptRows.reduce((n, i) => n + (COLUMNS[1]?.value(i) as number), 0));
      assert.deepEqual(read.days, ['2020-01-01', '2020-01-02']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
