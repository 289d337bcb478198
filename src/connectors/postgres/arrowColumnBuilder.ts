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
  /** Bytes held, for batch sizing. */
  readonly byteSize: number;
  finish(): Data;
}

const INT32_MAX = 0x7fffffff;
const INT32_MIN = -0x80000000;

export function createColumnBuilder(decoder: ValueDecoder, type: ArrowType, column: string): ColumnBuilder {
  switch (decoder.kind) {
    case 'int16': return new FixedBuilder(type, 2, (view, offset, out, i) => { out.i16[i] = view.getInt16(offset); });
    case 'int32': return new FixedBuilder(type, 4, (view, offset, out, i) => { out.i32[i] = view.getInt32(offset); });
    case 'float32': return new FixedBuilder(type, 4, (view, offset, out, i) => { out.f32[i] = view.getFloat32(offset); });
    case 'float64': return new FixedBuilder(type, 8, (view, offset, out, i) => { out.f64[i] = view.getFloat64(offset); });
    case 'int64': return new FixedBuilder(type, 8, (view, offset, out, i) => writeInt64Plus(view, offset, 0, out.u32, i));
    case 'timestamp':
      return new FixedBuilder(type, 8, (view, offset, out, i) => {
        const high = view.getInt32(offset);
        const low = view.getUint32(offset + 4);
        // PostgreSQL stores ±infinity as the extreme int64 values; Delta timestamps have no infinity.
        if ((high === INT32_MAX && low === 0xffffffff) || (high === INT32_MIN && low === 0)) throw infinite(column, 'timestamp');
        writeInt64Plus(view, offset, PG_EPOCH_MICROS, out.u32, i);
      });
    case 'date':
      return new FixedBuilder(type, 4, (view, offset, out, i) => {
        const days = view.getInt32(offset);
        if (days === INT32_MAX || days === INT32_MIN) throw infinite(column, 'date');
        out.i32[i] = days + PG_EPOCH_DAYS;
      });
    case 'numeric':
      return new FixedBuilder(type, 16, (view, offset, out, i) => writeNumericUnscaled(view, offset, decoder.precision, decoder.scale, column, out.u32, i));
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

type FixedWrite = (view: DataView, offset: number, out: FixedViews, index: number) => void;

/** Fixed-width values; 64- and 128-bit writers fill the buffer as 32-bit words. */
class FixedBuilder implements ColumnBuilder {
  private views: FixedViews;
  /** Values the buffer holds. */
  private capacity: number;
  private length = 0;
  private readonly validity = new Validity();

  constructor(private readonly type: ArrowType, private readonly width: number, private readonly write: FixedWrite) {
    this.capacity = 1024;
    this.views = viewsOf(new ArrayBuffer(this.capacity * width));
  }

  get byteSize(): number {
    return this.length * this.width;
  }

  append(_bytes: Uint8Array, view: DataView, offset: number): void {
    if (this.length === this.capacity) this.reserve();
    this.write(view, offset, this.views, this.length);
    if (this.validity.tracking) this.validity.setValid(this.length);
    this.length++;
  }

  appendNull(): void {
    if (this.length === this.capacity) this.reserve();
    this.validity.setNull(this.length++);
  }

  finish(): Data {
    const bytes = new Uint8Array(this.views.u32.buffer, 0, this.length * this.width).slice();
    const data = makeData({ type: this.type, length: this.length, data: bytes, ...this.validity.take(this.length) } as never) as Data;
    this.length = 0;
    this.views = viewsOf(new ArrayBuffer(this.capacity * this.width));
    return data;
  }

  private reserve(): void {
    const next = new Uint8Array(this.capacity * 2 * this.width);
    next.set(new Uint8Array(this.views.u32.buffer));
    this.capacity *= 2;
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

  finish(): Data {
    const end = this.offsets[this.length] as number;
    const data = makeData({
      type: this.type, length: this.length, valueOffsets: this.offsets.slice(0, this.length + 1),
      data: this.values.slice(0, end), ...this.validity.take(this.length),
    } as never) as Data;
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
