import { makeData, type Data, type DataType as ArrowType, type List } from 'apache-arrow';
import { writeInt128 } from '../../arrow/decimal128';
import { DeltaError } from '../../delta/errors';
import type { ValueDecoder } from './pgTypeMapping';
import { numericUnscaled, PG_EPOCH_DAYS, PG_EPOCH_MICROS, writeInt64Plus, writeUuidText } from './pgValueDecoders';

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
    case 'int16': return new FixedBuilder(type, 2, (_b, view, offset, out, i) => { new Int16Array(out.buffer)[i] = view.getInt16(offset); });
    case 'int32': return new FixedBuilder(type, 4, (_b, view, offset, out, i) => { new Int32Array(out.buffer)[i] = view.getInt32(offset); });
    case 'float32': return new FixedBuilder(type, 4, (_b, view, offset, out, i) => { new Float32Array(out.buffer)[i] = view.getFloat32(offset); });
    case 'float64': return new FixedBuilder(type, 8, (_b, view, offset, out, i) => { new Float64Array(out.buffer)[i] = view.getFloat64(offset); });
    case 'int64': return new FixedBuilder(type, 8, (_b, view, offset, out, i) => writeInt64Plus(view, offset, 0, out, i));
    case 'timestamp':
      return new FixedBuilder(type, 8, (_b, view, offset, out, i) => {
        const high = view.getInt32(offset);
        const low = view.getUint32(offset + 4);
        // PostgreSQL stores ±infinity as the extreme int64 values; Delta timestamps have no infinity.
        if ((high === INT32_MAX && low === 0xffffffff) || (high === INT32_MIN && low === 0)) throw infinite(column, 'timestamp');
        writeInt64Plus(view, offset, PG_EPOCH_MICROS, out, i);
      });
    case 'date':
      return new FixedBuilder(type, 4, (_b, view, offset, out, i) => {
        const days = view.getInt32(offset);
        if (days === INT32_MAX || days === INT32_MIN) throw infinite(column, 'date');
        new Int32Array(out.buffer)[i] = days + PG_EPOCH_DAYS;
      });
    case 'numeric':
      return new FixedBuilder(type, 16, (_b, view, offset, out, i) =>
        writeInt128(out, i, numericUnscaled(view, offset, decoder.precision, decoder.scale, column)));
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

/** A validity bitmap that grows with the column; absent from the Data when nothing is null. */
class Validity {
  bits = new Uint8Array(64);
  nullCount = 0;

  set(index: number, valid: boolean): void {
    if (index >> 3 >= this.bits.length) this.bits = grow(this.bits, (index >> 3) + 1);
    if (valid) this.bits[index >> 3] = (this.bits[index >> 3] as number) | (1 << (index & 7));
    else this.nullCount++;
  }

  take(length: number): { nullBitmap?: Uint8Array; nullCount: number } {
    const result = this.nullCount === 0 ? { nullCount: 0 } : { nullBitmap: this.bits.slice(0, (length + 7) >> 3), nullCount: this.nullCount };
    this.bits = new Uint8Array(64);
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

type FixedWrite = (bytes: Uint8Array, view: DataView, offset: number, out: Uint32Array, index: number) => void;

/** Fixed-width values; the buffer is kept as 32-bit words so 64- and 128-bit writers share it. */
class FixedBuilder implements ColumnBuilder {
  private words: Uint32Array;
  private length = 0;
  private readonly validity = new Validity();

  constructor(private readonly type: ArrowType, private readonly width: number, private readonly write: FixedWrite) {
    this.words = new Uint32Array(Math.ceil((1024 * width) / 4));
  }

  get byteSize(): number {
    return this.length * this.width;
  }

  append(bytes: Uint8Array, view: DataView, offset: number): void {
    this.reserve();
    this.write(bytes, view, offset, this.words, this.length);
    this.validity.set(this.length++, true);
  }

  appendNull(): void {
    this.reserve();
    this.validity.set(this.length++, false);
  }

  finish(): Data {
    const bytes = new Uint8Array(this.words.buffer, 0, this.length * this.width).slice();
    const data = makeData({ type: this.type, length: this.length, data: bytes, ...this.validity.take(this.length) } as never) as Data;
    this.length = 0;
    this.words = new Uint32Array(this.words.length);
    return data;
  }

  private reserve(): void {
    const neededWords = Math.ceil(((this.length + 1) * this.width) / 4);
    if (neededWords > this.words.length) this.words = grow(this.words, neededWords);
  }
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
      this.values.set(bytes.subarray(offset + skip, offset + length), start);
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
