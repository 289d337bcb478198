import { DataType as ArrowType, type Data, type RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import type { DataType } from '../../delta/schema';
import { compareValues, type NonNullValue, type TypedValue } from '../../delta/predicate/typedValue';
import { DeltaError } from '../../delta/errors';
import { cellValues } from '../../delta/predicate/readCell';
import { BoundarySearch } from './boundarySearch';

/** Z-values are JS numbers: all interleaved bits must fit in a double's 53-bit mantissa. */
const MAX_Z_BITS = 52;
/** Per column at most 2^10 range ids, as Spark's Delta (rangeId.max = 1000) uses about as many. */
const MAX_BITS_PER_COLUMN = 10;

export interface ZOrderColumn { name: string; type: DataType }

/**
 * Maps a row to its position on a Z-order (Morton) curve over several columns.
 *
 * Each column value is first replaced by a RANGE PARTITION ID: its bucket among boundaries cut at
 * the quantiles of a uniform row sample (nulls get id 0). The bits of the ids are then interleaved.
 * We chose range ids over order-preserving byte encodings of the values (what delta-rs does) because
 * (1) every id bit carries information whatever the distribution: skewed or clustered values
 * (timestamps of one busy day, ids starting at 10^12) spread evenly over the ids, whereas a byte
 * encoding spends its leading bits on ranges that hold no rows; (2) every orderable type (strings,
 * decimals, timestamps) gets the same fixed-width key, with no string truncation rule; and (3) the
 * columns get equal weight, since each id spans the same number of rows. The cost is a sampling
 * pass over the Z-order columns only, which the planner needs anyway to predict skipping.
 */
export class ZOrderKey {
  readonly bitsPerColumn: number;
  private readonly boundaries: NonNullValue[][];
  /**
   * The same boundaries as doubles when a column's are all numbers or all bigints (the fast,
   * common path). A bigint ranks by its nearest double: exact below 2^53 and still monotone
   * beyond, which is all a range id needs (it only decides how well rows cluster).
   */
  private readonly numericBoundaries: (BoundarySearch | undefined)[];
  /** spread[r]: the bits of rank r moved `columns` apart, so interleaving is a weighted sum. */
  private readonly spread: Float64Array;

  constructor(readonly columns: readonly ZOrderColumn[], sample: readonly (readonly TypedValue[])[]) {
    if (columns.length === 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Z-order needs at least one column.');
    this.bitsPerColumn = Math.max(1, Math.min(MAX_BITS_PER_COLUMN, Math.floor(MAX_Z_BITS / columns.length)));
    const buckets = 2 ** this.bitsPerColumn - 1;
    this.boundaries = columns.map((_, c) => quantileBoundaries(sample.map((row) => row[c] ?? null), buckets));
    this.numericBoundaries = this.boundaries.map((bounds) => {
      if (bounds.every((b) => typeof b === 'number' && !Number.isNaN(b))) return new BoundarySearch(Float64Array.from(bounds as number[]));
      if (bounds.length > 0 && bounds.every((b) => typeof b === 'bigint')) return new BoundarySearch(Float64Array.from(bounds as bigint[], Number));
      return undefined;
    });
    this.spread = new Float64Array(2 ** this.bitsPerColumn);
    for (let rank = 0; rank < this.spread.length; rank++) {
      const ranks = columns.map((_, c) => (c === columns.length - 1 ? rank : 0));
      this.spread[rank] = interleaveBits(ranks, this.bitsPerColumn);
    }
  }

  /** Bits of a Z-value: every Z-value is below 2^zBits. */
  get zBits(): number {
    return this.bitsPerColumn * this.columns.length;
  }

  /** 0 for null, else 1 + the number of boundaries at or below the value. */
  rank(column: number, value: TypedValue): number {
    if (value === null) return 0;
    const numeric = this.numericBoundaries[column];
    if (numeric && typeof value === 'number') return 1 + (Number.isNaN(value) ? numeric.length : numeric.upperBound(value));
    if (numeric && typeof value === 'bigint') return 1 + numeric.upperBound(Number(value));
    const bounds = this.boundaries[column] as NonNullValue[];
    let low = 0;
    let high = bounds.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareValues(bounds[mid] as NonNullValue, value) <= 0) low = mid + 1;
      else high = mid;
    }
    return 1 + low;
  }

  /** The Z-value of one tuple of column values. */
  zOf(values: readonly TypedValue[]): number {
    let z = 0;
    for (let c = 0; c < this.columns.length; c++) z += (this.spread[this.rank(c, values[c] ?? null)] as number) * 2 ** (this.columns.length - 1 - c);
    return z;
  }

  /** Z-values of every row of a batch holding the Z-order columns (found by name). */
  zValues(batch: RecordBatch): Float64Array {
    const out = new Float64Array(batch.numRows);
    const spread = this.spread;
    this.columns.forEach((column, c) => {
      const index = batch.schema.fields.findIndex((f) => f.name === column.name);
      const data = batch.data.children[index];
      if (!data) throw new DeltaError('DELTA_SCHEMA_MISMATCH', `The data has no Z-order column "${column.name}".`);
      // Column 0 leads: its spread bits weigh the most.
      const weight = 2 ** (this.columns.length - 1 - c);
      const numeric = this.numericBoundaries[c];
      const values = numeric && numericValues(data);
      if (numeric && values) {
        // Integer and float columns rank straight from their buffers: no TypedValue (a bigint per
        // int64 cell) and no generic comparison per row.
        const nulls = data.nullCount > 0;
        for (let row = 0; row < batch.numRows; row++) {
          const value = values[row] as number;
          const rank = nulls && !isValidAt(data, row) ? 0 : 1 + (Number.isNaN(value) ? numeric.length : numeric.upperBound(value));
          out[row] = (out[row] as number) + (spread[rank] as number) * weight;
        }
        return;
      }
      const read = cellValues(data, column.type);
      for (let row = 0; row < batch.numRows; row++) out[row] = (out[row] as number) + (spread[this.rank(c, read(row))] as number) * weight;
    });
    return out;
  }
}

/**
 * An integer or float column's values as doubles (int64 as its nearest double, like rank), or
 * undefined for other Arrow types (timestamps, dates and decimals need their unit or scale).
 */
function numericValues(data: Data): Float64Array | undefined {
  const { values, offset, length } = data as { values: unknown; offset: number; length: number };
  if (ArrowType.isFloat(data.type)) {
    if (values instanceof Float64Array) return values.subarray(offset, offset + length);
    // Half floats are stored as their raw 16 bits: left to the generic path.
    return values instanceof Float32Array ? Float64Array.from(values.subarray(offset, offset + length)) : undefined;
  }
  if (!ArrowType.isInt(data.type)) return undefined;
  if (values instanceof BigInt64Array) {
    // Little-endian words; hi * 2^32 + lo is one correctly rounded addition: the same double as Number(bigint).
    const words = new Int32Array(values.buffer, values.byteOffset + offset * 8, length * 2);
    const out = new Float64Array(length);
    for (let i = 0; i < length; i++) out[i] = (words[2 * i + 1] as number) * 4294967296 + ((words[2 * i] as number) >>> 0);
    return out;
  }
  if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array || values instanceof Uint32Array || values instanceof Uint16Array || values instanceof Uint8Array) {
    return Float64Array.from(values.subarray(offset, offset + length));
  }
  return undefined;
}

/**
 * Interleaves the low `bits` bits of each rank, most significant first, column 0 leading:
 * ranks (x=0b10, y=0b11) with 2 bits give 0b1101. Arithmetic instead of shifts keeps results above
 * 2^31 exact (JS shifts are 32-bit).
 */
export function interleaveBits(ranks: readonly number[], bits: number): number {
  let z = 0;
  for (let bit = bits - 1; bit >= 0; bit--) {
    const weight = 2 ** bit;
    for (const rank of ranks) z = z * 2 + (Math.floor(rank / weight) % 2);
  }
  return z;
}

/** At most `buckets - 1` distinct cut points splitting the sorted non-null values into equal-count runs. */
export function quantileBoundaries(values: readonly TypedValue[], buckets: number): NonNullValue[] {
  const sorted = values.filter((v): v is NonNullValue => v !== null).sort(compareValues);
  const out: NonNullValue[] = [];
  if (sorted.length === 0) return out;
  const parts = Math.min(buckets, sorted.length);
  for (let i = 1; i < parts; i++) {
    const cut = sorted[Math.floor((i * sorted.length) / parts)] as NonNullValue;
    if (out.length === 0 || compareValues(out[out.length - 1] as NonNullValue, cut) < 0) out.push(cut);
  }
  return out;
}
