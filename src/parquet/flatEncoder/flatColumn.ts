import { DataType, DateUnit, Precision, TimeUnit, type Data, type Field } from 'apache-arrow';
import { compareByteRanges } from '../../arrow/compareByteRanges';
import type { CompactWriter } from './compactWriter';
import { pageBytes, pageWords, type PageBuffers } from './pageBuffers';
import { rowRunsOf, type RowRuns } from './rowRuns';
import { keyWord, sharedPrefixKey } from './sharedPrefixKey';
import type { DictionaryKey, DictionarySource } from './valueDictionary';

/** parquet.thrift `Type`. */
export const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7 } as const;

/** parquet.thrift `ConvertedType` values this encoder writes. */
const Converted = { UTF8: 0, DECIMAL: 5, DATE: 6, TIMESTAMP_MICROS: 10, INT_8: 15, INT_16: 16 } as const;

/** One page's body: `prefix` free bytes (for the definition levels), then the PLAIN-encoded non-null values. */
export interface EncodedValues { body: Uint8Array; nulls: number }

/**
 * How one top-level Arrow column of a flat schema becomes a Parquet leaf: its schema element and
 * the PLAIN encoding of a page of its values, collecting the chunk's min/max as it goes.
 */
export interface FlatColumn {
  readonly name: string;
  readonly physicalType: number;
  readonly optional: boolean;
  /** Writes the SchemaElement fields after `name` (type_length, converted type, decimal, field id, logical type). */
  writeSchemaFields(writer: CompactWriter): void;
  /**
   * PLAIN-encodes the non-null values of `data` (of the rows listed in `rows`, ascending, when
   * given) after `prefix` free bytes and adds them to the chunk's min/max. The levels then go in
   * front without copying the values. With `buffers`, the body may be a reused buffer whose
   * bytes past the prefix are all written (the prefix is the caller's to fill). `runs` are the
   * runs of `rows` (see RowRuns) when the caller has them for every column of the page.
   */
  encode(data: Data, prefix: number, rows?: Int32Array, buffers?: PageBuffers, runs?: RowRuns): EncodedValues;
  /**
   * Adds `count` PLAIN values to the chunk's min/max: the dictionary's entries, once per chunk,
   * instead of every value of its dictionary-encoded pages (which `encode` never sees).
   */
  foldBounds?(values: Uint8Array, count: number): void;
  /** Where a dictionary reads the values of `data` (for every column with a `dictionaryKey`). */
  dictionarySource?(data: Data): DictionarySource;
  /**
   * The chunk's min and max (PLAIN bytes) since the last call, then forgets them; undefined when
   * every value was null (or NaN). Strings and binaries of any length: the footer drops long ones.
   */
  takeBounds(): ColumnBounds | undefined;
  /** The order of two bounds of this column (PLAIN bytes), as its logical type sorts. */
  compareBounds(a: Uint8Array, b: Uint8Array): number;
  /** Whether any value written so far was a NaN (floating point only; bounds leave NaN out). */
  readonly sawNaN: boolean;
  /** How its PLAIN values are keyed in a dictionary; undefined when it never takes one (booleans, wide decimals). */
  readonly dictionaryKey: DictionaryKey | undefined;
}

export interface ColumnBounds { min: Uint8Array; max: Uint8Array }

/** The flat-encoder column of an Arrow field, or undefined for a type it does not write (nested, unsigned, other units). */
export function flatColumnFor(field: Field): FlatColumn | undefined {
  const type: unknown = field.type;
  const fieldId = parseFieldId(field.metadata.get('PARQUET:field_id'));
  const base = { name: field.name, optional: field.nullable };
  const ids = (writer: CompactWriter): void => { if (fieldId !== undefined) writer.i32(9, fieldId); };
  if (DataType.isBool(type)) return new BoolColumn(base, ids);
  if (DataType.isInt(type)) {
    if (!type.isSigned) return undefined;
    if (type.bitWidth === 64) return new Int64Column(base, PhysicalType.INT64, ids, 2);
    const widen = type.bitWidth < 32;
    const converted = type.bitWidth === 8 ? Converted.INT_8 : Converted.INT_16;
    return new Int32Column(base, widen ? (w) => {
      w.i32(6, converted);
      ids(w);
      w.struct(10).struct(10).byte(1, type.bitWidth).bool(2, true).endStruct().endStruct();
    } : ids, 'int');
  }
  if (DataType.isFloat(type)) {
    if (type.precision === Precision.HALF) return undefined;
    return new FloatColumn(base, type.precision === Precision.DOUBLE, ids);
  }
  if (DataType.isUtf8(type)) return new BytesColumn(base, (w) => { w.i32(6, Converted.UTF8); ids(w); w.struct(10).struct(1).endStruct().endStruct(); });
  if (DataType.isBinary(type)) return new BytesColumn(base, ids);
  if (DataType.isDate(type)) {
    if (type.unit !== DateUnit.DAY) return undefined;
    return new Int32Column(base, (w) => { w.i32(6, Converted.DATE); ids(w); w.struct(10).struct(6).endStruct().endStruct(); }, 'int');
  }
  if (DataType.isTimestamp(type)) {
    if (type.unit !== TimeUnit.MICROSECOND) return undefined;
    const utc = type.timezone !== null && type.timezone !== undefined;
    return new Int64Column(base, PhysicalType.INT64, (w) => {
      // The legacy TIMESTAMP_MICROS means UTC-adjusted: a timestamp without time zone has none.
      if (utc) w.i32(6, Converted.TIMESTAMP_MICROS);
      ids(w);
      w.struct(10).struct(8).bool(1, utc).struct(2).struct(2).endStruct().endStruct().endStruct().endStruct();
    }, 2);
  }
  if (DataType.isDecimal(type)) {
    if (type.bitWidth !== 128) return undefined;
    const { precision, scale } = type;
    const decimalFields = (w: CompactWriter, typeLength?: number): void => {
      if (typeLength !== undefined) w.i32(2, typeLength);
      w.i32(6, Converted.DECIMAL).i32(7, scale).i32(8, precision);
      ids(w);
      w.struct(10).struct(5).i32(1, scale).i32(2, precision).endStruct().endStruct();
    };
    // As arrow-rs and Spark: INT32 up to 9 digits, INT64 up to 18, else the fewest big-endian bytes.
    if (precision <= 9) return new Int32Column(base, (w) => decimalFields(w), 'decimal');
    if (precision <= 18) return new Int64Column(base, PhysicalType.INT64, (w) => decimalFields(w), 4);
    const length = Math.ceil((precision * Math.log2(10) + 1) / 8);
    return new DecimalBytesColumn(base, length, (w) => decimalFields(w, length));
  }
  return undefined;
}

function parseFieldId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}

interface Base { name: string; optional: boolean }
type SchemaFields = (writer: CompactWriter) => void;

/** What every column kind keeps alike: the leaf's name, whether it is optional, and its schema element's fields. */
abstract class LeafColumn {
  readonly name: string;
  readonly optional: boolean;
  sawNaN = false;

  constructor(base: Base, readonly writeSchemaFields: SchemaFields) {
    this.name = base.name;
    this.optional = base.optional;
  }
}

/**
 * The validity bitmap when some value is null. As arrow JS slices: the bitmap and boolean values
 * are indexed from `data.offset`, fixed-width values and value offsets from the slice's start.
 */
function validity(data: Data): Uint8Array | undefined {
  return data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : undefined;
}

/** The most non-null values a page of `rows` (or all of `data`) can hold: exact without a selection. */
function nonNullBound(data: Data, bitmap: Uint8Array | undefined, rows: Int32Array | undefined): number {
  if (rows) return rows.length;
  return data.length - (bitmap ? data.nullCount : 0);
}

function isValid(bitmap: Uint8Array, index: number): boolean {
  return ((bitmap[index >> 3] as number) & (1 << (index & 7))) !== 0;
}

function words(data: Data): Int32Array {
  const values = data.values as ArrayBufferView;
  return new Int32Array(values.buffer, values.byteOffset, values.byteLength >> 2);
}

/** Runs shorter than this are copied value by value: a subarray and `set` cost more. */
const SHORT_RUN = 16;

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** INT32 columns: int8/16/32, date, decimal up to 9 digits (the low word of its 128 bits). */
class Int32Column extends LeafColumn implements FlatColumn {
  readonly physicalType = PhysicalType.INT32;
  readonly dictionaryKey = 'word';
  private min = Infinity;
  private max = -Infinity;

  constructor(base: Base, writeSchemaFields: SchemaFields, private readonly source: 'int' | 'decimal') {
    super(base, writeSchemaFields);
  }

  encode(data: Data, prefix: number, rows?: Int32Array, buffers?: PageBuffers, runs?: RowRuns): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const pad = (prefix + 3) >> 2;
    const out = pageWords(pad + nonNullBound(data, bitmap, rows), buffers);
    const stride = this.source === 'decimal' ? 4 : 1;
    const src: ArrayLike<number> = this.source === 'decimal' ? words(data) : data.values as ArrayLike<number>;
    if (!bitmap) return this.encodeRuns(src as Int32Array, stride, runs ?? rowRunsOf(rows, n), out, pad, prefix);
    let min = this.min;
    let max = this.max;
    let k = pad;
    for (let r = 0; r < n; r++) {
      const i = rows ? (rows[r] as number) : r;
      if (bitmap && !isValid(bitmap, data.offset + i)) continue;
      const v = src[i * stride] as number;
      out[k++] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    return { body: bytesOf(out).subarray(pad * 4 - prefix, k * 4), nulls: n - (k - pad) };
  }

  /**
   * Rows none null (the usual page, or the rows a rewrite keeps): each run's values copied at once
   * (a decimal's low words one by one), then a min/max loop alone over the copies.
   */
  private encodeRuns(src: Int32Array, stride: number, runs: RowRuns, out: Int32Array, pad: number, prefix: number): EncodedValues {
    let k = pad;
    for (let p = 0; p < runs.length; p += 2) {
      const first = runs[p] as number;
      const end = runs[p + 1] as number;
      if (stride === 1 && end - first >= SHORT_RUN) out.set(src.subarray(first, end), k);
      else for (let i = first, at = k; i < end; i++, at++) out[at] = src[i * stride] as number;
      k += end - first;
    }
    const n = k - pad;
    let min = this.min;
    let max = this.max;
    for (let i = pad; i < k; i++) {
      const v = out[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    return { body: bytesOf(out).subarray(pad * 4 - prefix, (pad + n) * 4), nulls: 0 };
  }

  dictionarySource(data: Data): DictionarySource {
    return this.source === 'decimal' ? { words: words(data), stride: 4 } : { words: data.values as ArrayLike<number>, stride: 1 };
  }

  foldBounds(values: Uint8Array, count: number): void {
    const view = plainView(values);
    for (let i = 0; i < count; i++) {
      const v = view.getInt32(i * 4, true);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }

  takeBounds(): ColumnBounds | undefined {
    if (this.min > this.max) return undefined;
    const bounds = { min: bytesOf(Int32Array.of(this.min)), max: bytesOf(Int32Array.of(this.max)) };
    this.min = Infinity;
    this.max = -Infinity;
    return bounds;
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    return plainView(a).getInt32(0, true) - plainView(b).getInt32(0, true);
  }
}

function plainView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Flips a 32-bit word's sign bit: signed order of the results is the unsigned order of the words. */
const LOW_BIAS = -0x80000000;

/** INT64 columns: int64, timestamps, decimals up to 18 digits (the low two words of 128 bits). */
class Int64Column extends LeafColumn implements FlatColumn {
  readonly dictionaryKey = 'doubleWord';
  // Bounds as (signed high word, low word ^ LOW_BIAS): no BigInt per value. Biased low words order
  // as signed int32 like the words do unsigned, and stay small integers: unsigned ones from `>>> 0`
  // moved these fields from small integers to doubles, which changed the columns' hidden classes
  // and sent the optimized encodeAll back to the interpreter ("wrong map") on many pages.
  private minHi = 0;
  private minLo = 0;
  private maxHi = 0;
  private maxLo = 0;
  private seen = false;

  constructor(base: Base, readonly physicalType: number, writeSchemaFields: SchemaFields, private readonly stride: number) {
    super(base, writeSchemaFields);
  }

  encode(data: Data, prefix: number, rows?: Int32Array, buffers?: PageBuffers, runs?: RowRuns): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const src = words(data);
    const pad = (prefix + 3) >> 2;
    const out = pageWords(pad + 2 * nonNullBound(data, bitmap, rows), buffers);
    if (!bitmap) return this.encodeRuns(src, runs ?? rowRunsOf(rows, n), out, pad, prefix);
    let { minHi, minLo, maxHi, maxLo, seen } = this;
    let k = pad;
    for (let r = 0; r < n; r++) {
      const i = rows ? (rows[r] as number) : r;
      if (bitmap && !isValid(bitmap, data.offset + i)) continue;
      const at = i * this.stride;
      const lo = (src[at] as number) ^ LOW_BIAS;
      const hi = src[at + 1] as number;
      out[k++] = src[at] as number;
      out[k++] = hi;
      if (!seen) {
        minHi = maxHi = hi;
        minLo = maxLo = lo;
        seen = true;
      } else {
        if (hi < minHi || (hi === minHi && lo < minLo)) { minHi = hi; minLo = lo; }
        if (hi > maxHi || (hi === maxHi && lo > maxLo)) { maxHi = hi; maxLo = lo; }
      }
    }
    Object.assign(this, { minHi, minLo, maxHi, maxLo, seen });
    return { body: bytesOf(out).subarray(pad * 4 - prefix, k * 4), nulls: n - (k - pad) / 2 };
  }

  /**
   * Rows none null (the usual page, or the rows a rewrite keeps): each run's words copied at once
   * (or two of every four for a decimal), then min/max by high word first, the low word read only on a tie.
   */
  private encodeRuns(src: Int32Array, runs: RowRuns, out: Int32Array, pad: number, prefix: number): EncodedValues {
    const stride = this.stride;
    let k = pad;
    for (let p = 0; p < runs.length; p += 2) {
      const first = runs[p] as number;
      const end = runs[p + 1] as number;
      if (stride === 2 && end - first >= SHORT_RUN) out.set(src.subarray(2 * first, 2 * end), k);
      else {
        for (let i = first, at = k; i < end; i++, at += 2) {
          out[at] = src[i * stride] as number;
          out[at + 1] = src[i * stride + 1] as number;
        }
      }
      k += 2 * (end - first);
    }
    const n = (k - pad) >> 1;
    if (n === 0) return { body: bytesOf(out).subarray(pad * 4 - prefix, pad * 4), nulls: 0 };
    let { minHi, minLo, maxHi, maxLo } = this;
    if (!this.seen) {
      minHi = maxHi = out[pad + 1] as number;
      minLo = maxLo = (out[pad] as number) ^ LOW_BIAS;
    }
    for (let at = pad; at < pad + 2 * n; at += 2) {
      const hi = out[at + 1] as number;
      if (hi < minHi) { minHi = hi; minLo = (out[at] as number) ^ LOW_BIAS; }
      else if (hi === minHi && ((out[at] as number) ^ LOW_BIAS) < minLo) minLo = (out[at] as number) ^ LOW_BIAS;
      if (hi > maxHi) { maxHi = hi; maxLo = (out[at] as number) ^ LOW_BIAS; }
      else if (hi === maxHi && ((out[at] as number) ^ LOW_BIAS) > maxLo) maxLo = (out[at] as number) ^ LOW_BIAS;
    }
    Object.assign(this, { minHi, minLo, maxHi, maxLo, seen: true });
    return { body: bytesOf(out).subarray(pad * 4 - prefix, (pad + 2 * n) * 4), nulls: 0 };
  }

  dictionarySource(data: Data): DictionarySource {
    return { words: words(data), stride: this.stride };
  }

  foldBounds(values: Uint8Array, count: number): void {
    const view = plainView(values);
    for (let i = 0; i < count; i++) {
      const lo = view.getInt32(i * 8, true) ^ LOW_BIAS;
      const hi = view.getInt32(i * 8 + 4, true);
      if (!this.seen) {
        this.minHi = this.maxHi = hi;
        this.minLo = this.maxLo = lo;
        this.seen = true;
        continue;
      }
      if (hi < this.minHi || (hi === this.minHi && lo < this.minLo)) { this.minHi = hi; this.minLo = lo; }
      if (hi > this.maxHi || (hi === this.maxHi && lo > this.maxLo)) { this.maxHi = hi; this.maxLo = lo; }
    }
  }

  takeBounds(): ColumnBounds | undefined {
    if (!this.seen) return undefined;
    this.seen = false;
    return { min: bytesOf(Int32Array.of(this.minLo ^ LOW_BIAS, this.minHi)), max: bytesOf(Int32Array.of(this.maxLo ^ LOW_BIAS, this.maxHi)) };
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    const x = plainView(a).getBigInt64(0, true);
    const y = plainView(b).getBigInt64(0, true);
    return x < y ? -1 : x > y ? 1 : 0;
  }
}

/** FLOAT and DOUBLE: bounds skip NaN, and a zero bound is written as -0 (min) and +0 (max), as the format asks. */
class FloatColumn extends LeafColumn implements FlatColumn {
  readonly physicalType: number;
  readonly dictionaryKey: DictionaryKey;
  private min = Infinity;
  private max = -Infinity;
  private seen = false;

  constructor(base: Base, private readonly double: boolean, writeSchemaFields: SchemaFields) {
    super(base, writeSchemaFields);
    this.physicalType = double ? PhysicalType.DOUBLE : PhysicalType.FLOAT;
    this.dictionaryKey = double ? 'doubleWord' : 'word';
  }

  encode(data: Data, prefix: number, rows?: Int32Array, buffers?: PageBuffers, runs?: RowRuns): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const per = this.double ? 2 : 1;
    const src = words(data);
    const values = data.values as Float64Array | Float32Array;
    const pad = (prefix + 3) >> 2;
    const out = pageWords(pad + per * nonNullBound(data, bitmap, rows), buffers);
    if (!bitmap) return this.encodeRuns(src, values, runs ?? rowRunsOf(rows, n), out, pad, prefix);
    let { min, max, seen } = this;
    let k = pad;
    for (let r = 0; r < n; r++) {
      const i = rows ? (rows[r] as number) : r;
      const row = data.offset + i;
      if (bitmap && !isValid(bitmap, row)) continue;
      // The words are copied, not the doubles: a NaN keeps its payload.
      out[k++] = src[i * per] as number;
      if (per === 2) out[k++] = src[i * per + 1] as number;
      const v = values[i] as number;
      if (v !== v) {
        this.sawNaN = true;
        continue;
      }
      seen = true;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    Object.assign(this, { min, max, seen });
    return { body: bytesOf(out).subarray(pad * 4 - prefix, k * 4), nulls: n - (k - pad) / per };
  }

  /**
   * Rows none null (the usual page, or the rows a rewrite keeps): each run's words copied at once
   * (NaN payloads kept), then a min/max loop alone, where a NaN fails both comparisons and so
   * stays out of the bounds.
   */
  private encodeRuns(src: Int32Array, values: Float64Array | Float32Array, runs: RowRuns, out: Int32Array, pad: number, prefix: number): EncodedValues {
    const per = this.double ? 2 : 1;
    let k = pad;
    for (let p = 0; p < runs.length; p += 2) {
      const first = runs[p] as number;
      const end = runs[p + 1] as number;
      if (end - first >= SHORT_RUN) out.set(src.subarray(per * first, per * end), k);
      else for (let w = per * first, at = k; w < per * end; w++, at++) out[at] = src[w] as number;
      k += per * (end - first);
    }
    let { min, max } = this;
    let nan = false;
    for (let p = 0; p < runs.length; p += 2) {
      const end = runs[p + 1] as number;
      for (let i = runs[p] as number; i < end; i++) {
        const v = values[i] as number;
        if (v < min) min = v;
        if (v > max) max = v;
        else if (v !== v) nan = true;
      }
    }
    if (nan) this.sawNaN = true;
    // Some value was not NaN exactly when the bounds met one (a NaN moves neither).
    Object.assign(this, { min, max, seen: this.seen || min <= max });
    return { body: bytesOf(out).subarray(pad * 4 - prefix, k * 4), nulls: 0 };
  }

  dictionarySource(data: Data): DictionarySource {
    return { words: words(data), stride: this.double ? 2 : 1 };
  }

  foldBounds(values: Uint8Array, count: number): void {
    const view = plainView(values);
    for (let i = 0; i < count; i++) {
      const v = this.double ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
      if (v !== v) {
        this.sawNaN = true;
        continue;
      }
      this.seen = true;
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
  }

  takeBounds(): ColumnBounds | undefined {
    if (!this.seen) return undefined;
    const min = this.min === 0 ? -0 : this.min;
    const max = this.max === 0 ? 0 : this.max;
    this.min = Infinity;
    this.max = -Infinity;
    this.seen = false;
    const encode = (v: number): Uint8Array => bytesOf(this.double ? Float64Array.of(v) : Float32Array.of(v));
    return { min: encode(min), max: encode(max) };
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    const read = (bytes: Uint8Array): number => (this.double ? plainView(bytes).getFloat64(0, true) : plainView(bytes).getFloat32(0, true));
    return read(a) - read(b);
  }
}

/** BOOLEAN: PLAIN is one bit per non-null value, least significant bit first. */
class BoolColumn extends LeafColumn implements FlatColumn {
  readonly physicalType = PhysicalType.BOOLEAN;
  readonly dictionaryKey = undefined;
  private sawTrue = false;
  private sawFalse = false;

  encode(data: Data, prefix: number, rows?: Int32Array): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const src = data.values as Uint8Array;
    const out = new Uint8Array(prefix + ((n + 7) >> 3));
    const bits = out.subarray(prefix);
    let k = 0;
    for (let r = 0; r < n; r++) {
      const i = rows ? (rows[r] as number) : r;
      const row = data.offset + i;
      if (bitmap && !isValid(bitmap, row)) continue;
      if (isValid(src, row)) {
        bits[k >> 3] = (bits[k >> 3] as number) | (1 << (k & 7));
        this.sawTrue = true;
      } else this.sawFalse = true;
      k++;
    }
    return { body: out.subarray(0, prefix + ((k + 7) >> 3)), nulls: n - k };
  }

  takeBounds(): ColumnBounds | undefined {
    if (!this.sawTrue && !this.sawFalse) return undefined;
    const bounds = { min: Uint8Array.of(this.sawFalse ? 0 : 1), max: Uint8Array.of(this.sawTrue ? 1 : 0) };
    this.sawTrue = this.sawFalse = false;
    return bounds;
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    return (a[0] as number) - (b[0] as number);
  }
}

/** Unsigned lexicographic order of a[aStart, aEnd) and b[bStart, bEnd). */
function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const d = (a[aStart + i] as number) - (b[bStart + i] as number);
    if (d !== 0) return d;
  }
  return (aEnd - aStart) - (bEnd - bStart);
}

/** BYTE_ARRAY (string, binary): PLAIN is a 4-byte little-endian length, then the bytes. */
class BytesColumn extends LeafColumn implements FlatColumn {
  readonly physicalType = PhysicalType.BYTE_ARRAY;
  readonly dictionaryKey = 'bytes';
  private min: Uint8Array | undefined;
  private max: Uint8Array | undefined;

  encode(data: Data, prefix: number, rows?: Int32Array, buffers?: PageBuffers, runs?: RowRuns): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const spans = runs ?? rowRunsOf(rows, n);
    const offsets = data.valueOffsets as Int32Array;
    const src = data.values as Uint8Array;
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    let valueBytes = 0;
    for (let p = 0; p < spans.length; p += 2) valueBytes += (offsets[spans[p + 1] as number] as number) - (offsets[spans[p] as number] as number);
    const out = pageBytes(prefix + nonNullBound(data, bitmap, rows) * 4 + valueBytes, buffers);
    const outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
    let at = prefix;
    let nonNull = 0;
    let minStart = -1;
    let minEnd = -1;
    let maxStart = -1;
    let maxEnd = -1;
    // The bounds' shared words and their words after them (see sharedPrefixKey); keyAt -1: none.
    let keyAt = -1;
    let minKey = 0;
    let maxKey = 0;
    const sharedWords = [0, 0, 0];
    for (let p = 0; p < spans.length; p += 2) {
      const last = spans[p + 1] as number;
      for (let i = spans[p] as number; i < last; i++) {
        if (bitmap && !isValid(bitmap, data.offset + i)) continue;
        nonNull++;
        const start = offsets[i] as number;
        const end = offsets[i + 1] as number;
        const length = end - start;
        outView.setUint32(at, length, true);
        at += 4;
        // Short values are copied four bytes at a time through DataViews (half the CPU of a byte
        // loop on 16-byte strings): a subarray per value costs more below ~64 bytes.
        if (length < 64) {
          let j = start;
          for (; j + 4 <= end; j += 4, at += 4) outView.setUint32(at, view.getUint32(j, true), true);
          for (; j < end; j++) out[at++] = src[j] as number;
        } else {
          out.set(src.subarray(start, end), at);
          at += length;
        }
        // Strictly between the bounds when it starts with their shared words and its next word
        // lies strictly between theirs (see sharedPrefixKey): one check instead of two comparisons.
        if (keyAt >= 0 && length >= keyAt + 4) {
          let shared = true;
          for (let w = 0; w < keyAt; w += 4) {
            if (view.getUint32(start + w) !== (sharedWords[w >> 2] as number)) {
              shared = false;
              break;
            }
          }
          if (shared) {
            const key = view.getUint32(start + keyAt);
            if (key > minKey && key < maxKey) continue;
          }
        }
        if (minStart < 0) {
          minStart = maxStart = start;
          minEnd = maxEnd = end;
        } else if (compareByteRanges(view, start, end, minStart, minEnd) < 0) {
          minStart = start;
          minEnd = end;
        } else if (compareByteRanges(view, start, end, maxStart, maxEnd) > 0) {
          maxStart = start;
          maxEnd = end;
        } else continue;
        keyAt = sharedPrefixKey(view, minStart, minEnd, maxStart, maxEnd, sharedWords);
        if (keyAt >= 0) {
          minKey = keyWord(view, minStart + keyAt, minEnd);
          maxKey = keyWord(view, maxStart + keyAt, maxEnd);
        }
      }
    }
    if (minStart >= 0) {
      if (!this.min || compareBytes(src, minStart, minEnd, this.min, 0, this.min.length) < 0) this.min = src.slice(minStart, minEnd);
      if (!this.max || compareBytes(src, maxStart, maxEnd, this.max, 0, this.max.length) > 0) this.max = src.slice(maxStart, maxEnd);
    }
    return { body: out.subarray(0, at), nulls: n - nonNull };
  }

  dictionarySource(data: Data): DictionarySource {
    return { offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array };
  }

  foldBounds(values: Uint8Array, count: number): void {
    const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const start = at + 4;
      const end = start + view.getUint32(at, true);
      if (!this.min || compareBytes(values, start, end, this.min, 0, this.min.length) < 0) this.min = values.slice(start, end);
      if (!this.max || compareBytes(values, start, end, this.max, 0, this.max.length) > 0) this.max = values.slice(start, end);
      at = end;
    }
  }

  takeBounds(): ColumnBounds | undefined {
    const { min, max } = this;
    this.min = this.max = undefined;
    return min && max ? { min, max } : undefined;
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    return compareBytes(a, 0, a.length, b, 0, b.length);
  }
}

/** Decimals over 18 digits: FIXED_LEN_BYTE_ARRAY, the two's complement big-endian in `length` bytes. */
class DecimalBytesColumn extends LeafColumn implements FlatColumn {
  readonly physicalType = PhysicalType.FIXED_LEN_BYTE_ARRAY;
  readonly dictionaryKey = undefined;
  private min: Uint8Array | undefined;
  private max: Uint8Array | undefined;

  constructor(base: Base, private readonly length: number, writeSchemaFields: SchemaFields) {
    super(base, writeSchemaFields);
  }

  encode(data: Data, prefix: number, rows?: Int32Array): EncodedValues {
    const bitmap = validity(data);
    const n = rows ? rows.length : data.length;
    const src = bytesOf(data.values as ArrayBufferView);
    const width = this.length;
    const out = new Uint8Array(prefix + width * nonNullBound(data, bitmap, rows));
    let at = prefix;
    for (let r = 0; r < n; r++) {
      const i = rows ? (rows[r] as number) : r;
      const row = data.offset + i;
      if (bitmap && !isValid(bitmap, row)) continue;
      const le = i * 16;
      for (let j = 0; j < width; j++) out[at + j] = src[le + width - 1 - j] as number;
      const value = out.subarray(at, at + width);
      if (!this.min || compareSigned(value, this.min) < 0) this.min = value.slice();
      if (!this.max || compareSigned(value, this.max) > 0) this.max = value.slice();
      at += width;
    }
    return { body: out.subarray(0, at), nulls: n - (at - prefix) / width };
  }

  takeBounds(): ColumnBounds | undefined {
    const { min, max } = this;
    this.min = this.max = undefined;
    return min && max ? { min, max } : undefined;
  }

  compareBounds(a: Uint8Array, b: Uint8Array): number {
    return compareSigned(a, b);
  }
}

/** Signed order of two big-endian two's complement numbers of the same width. */
function compareSigned(a: Uint8Array, b: Uint8Array): number {
  const signs = ((b[0] as number) >> 7) - ((a[0] as number) >> 7);
  if (signs !== 0) return signs;
  return compareBytes(a, 0, a.length, b, 0, b.length);
}
