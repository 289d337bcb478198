import {
  DateDay, Decimal, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, TimestampMicrosecond, Utf8, makeData, type Data,
} from 'apache-arrow';

/**
 * The rows of the writer benchmark, computed from the row number alone with integer formulas that
 * scripts/bench-writer-peer.py repeats with pyarrow compute, so both engines write the same values
 * without sharing a file. Every product stays below 2^53, so JS doubles compute them exactly.
 */

/** Days from 1970-01-01 to 2020-01-01, and that midnight in microseconds. */
const DAY0 = 18_262;
const US0 = 1_577_836_800_000_000;

/** Rows per generated batch: what a connector typically hands the writer. */
export const WRITER_BATCH_ROWS = 100_000;

export const WRITER_SCHEMA = new Schema([
  new Field('id', new Int64(), true),
  new Field('quantity', new Int32(), true),
  new Field('price', new Float64(), true),
  new Field('ratio', new Float64(), true),
  new Field('customer', new Utf8(), true),
  new Field('category', new Utf8(), true),
  new Field('event_date', new DateDay(), true),
  new Field('event_time', new TimestampMicrosecond('UTC'), true),
  new Field('amount', new Decimal(2, 18, 128), true),
  new Field('tax', new Decimal(4, 10, 128), true),
]);

/** `quantity` takes the 2,000 values -1000..999 once in every 2,000 consecutive rows: this selects 1%. */
export const ONE_PERCENT_PREDICATE = 'quantity < -980';

/** The category of every MERGE source row, so the merged rows can be counted afterwards. */
export const MERGED_CATEGORY = 'merged';

const mod = (a: number, m: number): number => a - Math.floor(a / m) * m;

/**
 * One batch: row numbers `first`..`first + count - 1`, with ids from `idOf` (row number to id) and
 * every other column from the id. `category` overrides the computed category for all rows.
 */
export function writerBatch(first: number, count: number, idOf: (row: number) => number, category?: string): RecordBatch {
  const ids = new BigInt64Array(count);
  const quantity = new Int32Array(count);
  const price = new Float64Array(count);
  const ratio = new Float64Array(count);
  const date = new Int32Array(count);
  const time = new BigInt64Array(count);
  const amount = new Uint32Array(count * 4);
  const tax = new Uint32Array(count * 4);
  const customers: string[] = new Array<string>(count);
  const categories: string[] = new Array<string>(count);
  for (let r = 0; r < count; r++) {
    const i = idOf(first + r);
    ids[r] = BigInt(i);
    quantity[r] = mod(i * 7919, 2000) - 1000;
    price[r] = mod(i * 48_271, 1_000_003) / 1000;
    ratio[r] = mod(i * 69_621, 65_537) / 65_537 - 0.5;
    customers[r] = `customer-${String(mod(i * 40_503, 2_000_000)).padStart(7, '0')}`;
    categories[r] = category ?? `category-${String(mod(i, 24)).padStart(2, '0')}`;
    date[r] = DAY0 + mod(i * 31, 2000);
    time[r] = BigInt(US0 + mod(i * 1_000_003, 172_800_000) * 1_000_000 + mod(i, 1000) * 1000);
    // Unscaled values below 2^32: the low word holds them, the three higher words stay 0.
    amount[r * 4] = mod(i * 7907, 10_000_000);
    tax[r * 4] = mod(i * 3571, 99_999_999);
  }
  const children: Data[] = [
    makeData({ type: new Int64(), length: count, nullCount: 0, data: ids }),
    makeData({ type: new Int32(), length: count, nullCount: 0, data: quantity }),
    makeData({ type: new Float64(), length: count, nullCount: 0, data: price }),
    makeData({ type: new Float64(), length: count, nullCount: 0, data: ratio }),
    utf8Data(customers),
    utf8Data(categories),
    makeData({ type: new DateDay(), length: count, nullCount: 0, data: date }),
    makeData({ type: new TimestampMicrosecond('UTC'), length: count, nullCount: 0, data: time }),
    makeData({ type: new Decimal(2, 18, 128), length: count, nullCount: 0, data: amount }),
    makeData({ type: new Decimal(4, 10, 128), length: count, nullCount: 0, data: tax }),
  ];
  return new RecordBatch(WRITER_SCHEMA, makeData({ type: new Struct(WRITER_SCHEMA.fields), length: count, nullCount: 0, children }));
}

/** Rows 0..rows-1 with ids equal to the row number (the appended table and the MERGE target). */
export function sequentialBatches(rows: number): RecordBatch[] {
  const out: RecordBatch[] = [];
  for (let first = 0; first < rows; first += WRITER_BATCH_ROWS) out.push(writerBatch(first, Math.min(WRITER_BATCH_ROWS, rows - first), (row) => row));
  return out;
}

/**
 * The MERGE source: every 100th row updates target id `(k / 100) * spacing + spacing / 2` (spread
 * over the whole target, so every target file holds matches), the others insert new ids above the
 * target's. 1% of the source matches.
 */
export function mergeSourceId(targetRows: number, sourceRows: number): (row: number) => number {
  const spacing = Math.floor(targetRows / Math.ceil(sourceRows / 100));
  return (k) => (k % 100 === 0 ? (k / 100) * spacing + Math.floor(spacing / 2) : targetRows + k);
}

export function mergeSourceBatches(targetRows: number, sourceRows: number): RecordBatch[] {
  const idOf = mergeSourceId(targetRows, sourceRows);
  const out: RecordBatch[] = [];
  for (let first = 0; first < sourceRows; first += WRITER_BATCH_ROWS) {
    out.push(writerBatch(first, Math.min(WRITER_BATCH_ROWS, sourceRows - first), idOf, MERGED_CATEGORY));
  }
  return out;
}

function utf8Data(values: readonly string[]): Data<Utf8> {
  const encoder = new TextEncoder();
  const offsets = new Int32Array(values.length + 1);
  let bytes = 0;
  for (const [i, value] of values.entries()) {
    bytes += value.length;
    offsets[i + 1] = bytes;
  }
  // The generated strings are ASCII: one byte per character.
  const data = new Uint8Array(bytes);
  for (const [i, value] of values.entries()) encoder.encodeInto(value, data.subarray(offsets[i] as number, offsets[i + 1] as number));
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data });
}
