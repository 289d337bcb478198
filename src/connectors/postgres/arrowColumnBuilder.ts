import { makeData, type Data, type DataType as ArrowType, type List } from 'apache-arrow';
import { DeltaError } from '../../delta/errors';
import type { ValueDecoder } from './pgTypeMapping';
import { PG_EPOCH_DAYS, PG_EPOCH_MICROS, writeInt64Plus, writeNumericUnscaled, writeUuidText } from './pgValueDecoders';

/**
 * Accumulates one column of binary wire values straight into Arrow buffers (no JS value per cell:
 * text is copied as UTF-8 bytes, integers into typed arrays), which is what lets a snapshot run
 * near the raw COPY rate. `finish` hands the buffers over as Arrow Data and starts empty again.
 */
export interface ColumnBuilder {
  /** Appends the value of `length` bytes at `offset` (of `bytes`, viewed by `view`). */
  append(bytes: Uint8Array, view: DataView, offset: number, length: number): void;
  appendNull(): void;
  /**
   * Appends one column of `count` rows: row r's value starts at `starts[column + r * stride]` and
   * has `sizes[…]` bytes (start -1: NULL). One call per column and run of rows keeps the per-type
   * loop monomorphic, where one call per value went through two megamorphic calls.
   */
  appendColumn(bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number): void;
  /** Bytes held, for batch sizing. */
  readonly byteSize: number;
  finish(): Data;
}

/** Where the values of a run of rows are: per row, per column, the value's start (-1 for NULL) and size. */
export interface RowCells {
  starts: Int32Array;
  sizes: Int32Array;
  /** Columns per row. */
  stride: number;
}

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

/** Bytes a word copy may touch past a value's end (BytesBuilder.copyRun). */
const WORD_SLACK = 3;

export function createColumnBuilder(decoder: ValueDecoder, type: ArrowType, column: string): ColumnBuilder {
  switch (decoder.kind) {
    case 'int16': return new FixedBuilder(type, 2, decoder, column);
    case 'int32':
    case 'float32':
    case 'date':
      return new FixedBuilder(type, 4, decoder, column);
    case 'float64':
    case 'int64':
    case 'timestamp':
      return new FixedBuilder(type, 8, decoder, column);
    case 'numeric': return new FixedBuilder(type, 16, decoder, column);
    case 'bool': return new BoolBuilder(type);
    case 'bytes': return new BytesBuilder(type, 'raw');
    case 'jsonb': return new BytesBuilder(type, 'jsonb');
    case 'uuid': return new BytesBuilder(type, 'uuid');
    case 'array': {
      const list = type as List;
      return new ListBuilder(list, createColumnBuilder(decoder.element, list.children[0]?.type as ArrowType, column), column);
    }
  }
}

function infinite(column: string, what: string): DeltaError {
  return new DeltaError('SOURCE_VALUE_OUT_OF_RANGE',
    `Column "${column}" holds an infinite ${what}, which Delta cannot store. Filter it out or map it in --query (e.g. CASE WHEN isfinite(col) THEN col END).`);
}

/**
 * A validity bitmap, written only once a null arrives (most columns have none): until then valid
 * values cost nothing, and the first null back-fills the bits of the values before it.
 */
class Validity {
  private bits: Uint8Array | undefined;
  nullCount = 0;

  setNull(index: number): void {
    if (this.bits === undefined) {
      this.bits = new Uint8Array(Math.max(64, (index >> 3) + 1));
      this.bits.fill(0xff, 0, index >> 3);
      for (let i = index & ~7; i < index; i++) this.bits[i >> 3] = (this.bits[i >> 3] as number) | (1 << (i & 7));
    } else if (index >> 3 >= this.bits.length) {
      this.bits = grow(this.bits, (index >> 3) + 1);
    }
    this.nullCount++;
  }

  /** Only needed once a bitmap exists; callers check `tracking` first so valid values stay cheap. */
  setValid(index: number): void {
    const bits = this.bits as Uint8Array;
    if (index >> 3 >= bits.length) this.bits = grow(bits, (index >> 3) + 1);
    (this.bits as Uint8Array)[index >> 3] = ((this.bits as Uint8Array)[index >> 3] as number) | (1 << (index & 7));
  }

  set(index: number, valid: boolean): void {
    if (!valid) this.setNull(index);
    else if (this.bits !== undefined) this.setValid(index);
  }

  get tracking(): boolean {
    return this.bits !== undefined;
  }

  take(length: number): { nullBitmap?: Uint8Array; nullCount: number } {
    const result = this.bits === undefined ? { nullCount: 0 } : { nullBitmap: this.bits.slice(0, (length + 7) >> 3), nullCount: this.nullCount };
    this.bits = undefined;
    this.nullCount = 0;
    return result;
  }
}

function grow<T extends Uint8Array | Int32Array | Uint32Array>(array: T, needed: number): T {
  let size = Math.max(array.length * 2, 64);
  while (size < needed) size *= 2;
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/** Typed views of one fixed-width buffer, made again only when it grows (never one per value). */
interface FixedViews { u32: Uint32Array; i16: Int16Array; i32: Int32Array; f32: Float32Array; f64: Float64Array }

type FixedDecoder = Extract<ValueDecoder, { kind: 'int16' | 'int32' | 'float32' | 'float64' | 'int64' | 'timestamp' | 'date' | 'numeric' }>;

/** Fixed-width values; 64- and 128-bit writers fill the buffer as 32-bit words. */
class FixedBuilder implements ColumnBuilder {
  private views: FixedViews;
  /** Values the buffer holds. */
  private capacity: number;
  private length = 0;
  private readonly validity = new Validity();
  /** The start of a single value appended alone (an array's element), as writeRun reads starts. */
  private readonly single = new Int32Array(1);

  constructor(private readonly type: ArrowType, private readonly width: number, private readonly decoder: FixedDecoder, private readonly column: string) {
    this.capacity = 1024;
    this.views = viewsOf(new ArrayBuffer(this.capacity * width));
  }

  get byteSize(): number {
    return this.length * this.width;
  }

  append(_bytes: Uint8Array, view: DataView, offset: number): void {
    if (this.length === this.capacity) this.reserve(this.length + 1);
    this.single[0] = offset;
    this.writeRun(view, this.single, 0, 1, 1);
    if (this.validity.tracking) this.validity.setValid(this.length);
    this.length++;
  }

  appendNull(): void {
    if (this.length === this.capacity) this.reserve(this.length + 1);
    this.validity.setNull(this.length++);
  }

  appendColumn(_bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number): void {
    if (this.length + count > this.capacity) this.reserve(this.length + count);
    const nulls = this.writeRun(view, cells.starts, column, cells.stride, count);
    if (nulls > 0 || this.validity.tracking) {
      for (let r = 0, k = column; r < count; r++, k += cells.stride) this.validity.set(this.length + r, (cells.starts[k] as number) >= 0);
    }
    this.length += count;
  }

  /** Hands the buffer itself over (no copy: a full batch fills it) and starts a new one. */
  finish(): Data {
    const bytes = new Uint8Array(this.views.u32.buffer, 0, this.length * this.width);
    const data = makeData({ type: this.type, length: this.length, data: bytes, ...this.validity.take(this.length) } as never) as Data;
    this.length = 0;
    this.views = viewsOf(new ArrayBuffer(this.capacity * this.width));
    return data;
  }

  /**
   * Writes `count` values (starts at `column`, every `stride`) from index `length` on; NULL slots
   * stay as they are. One loop per type: the per-value work is then inlined. Returns the NULLs seen.
   */
  private writeRun(view: DataView, starts: Int32Array, column: number, stride: number, count: number): number {
    const { u32, i16, i32, f32, f64 } = this.views;
    const first = this.length;
    let nulls = 0;
    const decoder = this.decoder;
    switch (decoder.kind) {
      case 'int16':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else i16[first + r] = view.getInt16(at);
        }
        return nulls;
      case 'int32':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else i32[first + r] = view.getInt32(at);
        }
        return nulls;
      case 'float32':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else f32[first + r] = view.getFloat32(at);
        }
        return nulls;
      case 'float64':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else f64[first + r] = view.getFloat64(at);
        }
        return nulls;
      case 'int64':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else writeInt64Plus(view, at, 0, u32, first + r);
        }
        return nulls;
      case 'timestamp':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) {
            nulls++;
            continue;
          }
          const high = view.getInt32(at);
          const low = view.getUint32(at + 4);
          // PostgreSQL stores ±infinity as the extreme int64 values; Delta timestamps have no infinity.
          if ((high === INT32_MAX && low === 0xffffffff) || (high === INT32_MIN && low === 0)) throw infinite(this.column, 'timestamp');
          writeInt64Plus(view, at, PG_EPOCH_MICROS, u32, first + r);
        }
        return nulls;
      case 'date':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) {
            nulls++;
            continue;
          }
          const days = view.getInt32(at);
          if (days === INT32_MAX || days === INT32_MIN) throw infinite(this.column, 'date');
          i32[first + r] = days + PG_EPOCH_DAYS;
        }
        return nulls;
      case 'numeric':
        for (let r = 0, k = column; r < count; r++, k += stride) {
          const at = starts[k] as number;
          if (at < 0) nulls++;
          else writeNumericUnscaled(view, at, decoder.precision, decoder.scale, this.column, u32, first + r);
        }
        return nulls;
    }
  }

  private reserve(needed: number): void {
    let capacity = this.capacity * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity * this.width);
    next.set(new Uint8Array(this.views.u32.buffer, 0, this.length * this.width));
    this.capacity = capacity;
    this.views = viewsOf(next.buffer);
  }
}

function viewsOf(buffer: ArrayBuffer): FixedViews {
  // Every width is a multiple of 2 and the capacity a power of two, so 8-byte views always fit.
  return { u32: new Uint32Array(buffer), i16: new Int16Array(buffer), i32: new Int32Array(buffer), f32: new Float32Array(buffer), f64: new Float64Array(buffer) };
}

class BoolBuilder implements ColumnBuilder {
  private bits = new Uint8Array(64);
  private length = 0;
  private readonly validity = new Validity();

  constructor(private readonly type: ArrowType) {}

  get byteSize(): number {
    return this.length >> 3;
  }

  append(bytes: Uint8Array, _view: DataView, offset: number): void {
    if (this.length >> 3 >= this.bits.length) this.bits = grow(this.bits, (this.length >> 3) + 1);
    if (bytes[offset] !== 0) this.bits[this.length >> 3] = (this.bits[this.length >> 3] as number) | (1 << (this.length & 7));
    this.validity.set(this.length++, true);
  }

  appendNull(): void {
    if (this.length >> 3 >= this.bits.length) this.bits = grow(this.bits, (this.length >> 3) + 1);
    this.validity.set(this.length++, false);
  }

  appendColumn(bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number): void {
    for (let r = 0, k = column; r < count; r++, k += cells.stride) {
      const at = cells.starts[k] as number;
      if (at < 0) this.appendNull();
      else this.append(bytes, view, at);
    }
  }

  finish(): Data {
    const data = makeData({ type: this.type, length: this.length, data: this.bits.slice(0, (this.length + 7) >> 3), ...this.validity.take(this.length) } as never) as Data;
    this.bits = new Uint8Array(64);
    this.length = 0;
    return data;
  }
}

/** How a variable-width value is stored: bytes as on the wire, jsonb without its version byte, uuid as text. */
type BytesEncoding = 'raw' | 'jsonb' | 'uuid';

/** Utf8 or Binary: offsets plus the value bytes, copied from the wire. */
class BytesBuilder implements ColumnBuilder {
  private values = new Uint8Array(4096);
  private offsets = new Int32Array(1024);
  private length = 0;
  private readonly validity = new Validity();

  constructor(private readonly type: ArrowType, private readonly encoding: BytesEncoding) {}

  get byteSize(): number {
    return (this.offsets[this.length] as number) + 4 * this.length;
  }

  append(bytes: Uint8Array, _view: DataView, offset: number, length: number): void {
    // reserve() may replace this.values, so it runs before this.values is read.
    if (this.encoding === 'uuid') {
      const start = this.reserve(36);
      writeUuidText(bytes, offset, this.values, start);
    } else {
      const skip = this.encoding === 'jsonb' ? 1 : 0;
      const start = this.reserve(length - skip);
      // A loop beats subarray + set (an object per value) for the short strings most columns hold.
      if (length < 48) {
        const values = this.values;
        for (let i = skip; i < length; i++) values[start + i - skip] = bytes[offset + i] as number;
      } else {
        this.values.set(bytes.subarray(offset + skip, offset + length), start);
      }
    }
    this.validity.set(this.length - 1, true);
  }

  appendNull(): void {
    this.reserve(0);
    this.validity.set(this.length - 1, false);
  }

  appendColumn(bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number): void {
    if (this.encoding === 'uuid') {
      for (let r = 0, k = column; r < count; r++, k += cells.stride) {
        const at = cells.starts[k] as number;
        if (at < 0) this.appendNull();
        else this.append(bytes, view, at, cells.sizes[k] as number);
      }
      return;
    }
    this.copyRun(bytes, view, cells, column, count, this.encoding === 'jsonb' ? 1 : 0);
  }

  /**
   * The run's values copied in one loop: room for all of them is made once (their sizes are
   * known), and each offset is written as its value is, where a call per value checked both
   * buffers' room per value. `skip` leading bytes of each value are left out (jsonb's version).
   */
  private copyRun(bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number, skip: number): void {
    const { starts, sizes, stride } = cells;
    let total = 0;
    let nulls = 0;
    for (let r = 0, k = column; r < count; r++, k += stride) {
      if ((starts[k] as number) < 0) nulls++;
      else total += (sizes[k] as number) - skip;
    }
    const first = this.length;
    let end = this.offsets[first] as number;
    if (end + total > 0x7fffffff) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'A batch of text values exceeds 2 GiB; use a smaller batch size.');
    // WORD_SLACK more: a value copied by words may write up to 3 bytes past its end (the next value overwrites them).
    if (end + total + WORD_SLACK > this.values.length) this.values = grow(this.values, end + total + WORD_SLACK);
    if (first + count + 1 > this.offsets.length) this.offsets = grow(this.offsets, first + count + 1);
    const values = this.values;
    const valuesView = new DataView(values.buffer, values.byteOffset, values.byteLength);
    const offsets = this.offsets;
    // A value ending this close to the buffer's end is copied by bytes: its last word would read past it.
    const wordsEnd = bytes.length - WORD_SLACK;
    for (let r = 0, k = column; r < count; r++, k += stride) {
      const at = starts[k] as number;
      if (at >= 0) {
        const size = (sizes[k] as number) - skip;
        const from = at + skip;
        // Short values (most text columns) four bytes at a time, the last word whole: about half
        // the CPU of a byte loop, and subarray + set costs an object per value.
        if (size < 64 && from + size <= wordsEnd) {
          for (let i = 0; i < size; i += 4) valuesView.setInt32(end + i, view.getInt32(from + i, true), true);
        } else if (size < 64) {
          for (let i = 0; i < size; i++) values[end + i] = bytes[from + i] as number;
        } else {
          values.set(bytes.subarray(from, from + size), end);
        }
        end += size;
      }
      offsets[first + r + 1] = end;
    }
    this.length = first + count;
    if (nulls > 0 || this.validity.tracking) {
      for (let r = 0, k = column; r < count; r++, k += stride) this.validity.set(first + r, (starts[k] as number) >= 0);
    }
  }

  finish(): Data {
    const end = this.offsets[this.length] as number;
    // Both buffers are handed over, not copied (a copy of the values took 1.5% of the bench's CPU);
    // the next batch's values start in a buffer the size this one needed, and grow from there.
    const data = makeData({
      type: this.type, length: this.length, valueOffsets: this.offsets.subarray(0, this.length + 1),
      data: this.values.subarray(0, end), ...this.validity.take(this.length),
    } as never) as Data;
    this.values = new Uint8Array(Math.max(4096, end + (end >> 3) + WORD_SLACK));
    this.length = 0;
    this.offsets = new Int32Array(this.offsets.length);
    return data;
  }

  /** Makes room for one more value of `size` bytes and returns where it starts. */
  private reserve(size: number): number {
    const start = this.offsets[this.length] as number;
    const end = start + size;
    if (end > 0x7fffffff) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'A batch of text values exceeds 2 GiB; use a smaller batch size.');
    if (end > this.values.length) this.values = grow(this.values, end);
    if (this.length + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.length + 2);
    this.offsets[++this.length] = end;
    return start;
  }
}

/**
 * A one-dimensional PostgreSQL array (binary form: ndim, has-null flag, element oid, then per
 * dimension its size and lower bound, then each element as a length-prefixed value) as an Arrow List.
 */
class ListBuilder implements ColumnBuilder {
  private offsets = new Int32Array(1024);
  private length = 0;
  private readonly validity = new Validity();

  constructor(private readonly type: List, private readonly child: ColumnBuilder, private readonly column: string) {}

  get byteSize(): number {
    return this.child.byteSize + 4 * this.length;
  }

  append(bytes: Uint8Array, view: DataView, offset: number): void {
    const dimensions = view.getInt32(offset);
    if (dimensions > 1) {
      throw new DeltaError('SOURCE_TYPE_UNSUPPORTED',
        `Column "${this.column}" holds a ${dimensions}-dimensional array; only one-dimensional arrays map to Delta arrays. Flatten it or cast it to text in --query.`);
    }
    const count = dimensions === 0 ? 0 : view.getInt32(offset + 12);
    let at = offset + 12 + 8 * dimensions;
    for (let i = 0; i < count; i++) {
      const size = view.getInt32(at);
      at += 4;
      if (size < 0) {
        this.child.appendNull();
      } else {
        this.child.append(bytes, view, at, size);
        at += size;
      }
    }
    this.push(count, true);
  }

  appendNull(): void {
    this.push(0, false);
  }

  appendColumn(bytes: Uint8Array, view: DataView, cells: RowCells, column: number, count: number): void {
    for (let r = 0, k = column; r < count; r++, k += cells.stride) {
      const at = cells.starts[k] as number;
      if (at < 0) this.appendNull();
      else this.append(bytes, view, at);
    }
  }

  finish(): Data {
    const data = makeData({
      type: this.type, length: this.length, valueOffsets: this.offsets.slice(0, this.length + 1),
      child: this.child.finish(), ...this.validity.take(this.length),
    } as never) as Data;
    this.length = 0;
    this.offsets = new Int32Array(this.offsets.length);
    return data;
  }

  private push(count: number, valid: boolean): void {
    if (this.length + 2 > this.offsets.length) this.offsets = grow(this.offsets, this.length + 2);
    this.offsets[this.length + 1] = (this.offsets[this.length] as number) + count;
    this.validity.set(this.length++, valid);
  }
}
