import { makeData, RecordBatch, Schema, Struct, type Data, type DataType as ArrowType, type Field } from 'apache-arrow';
import { writeInt128 } from '../arrow/decimal128';
import { toArrowSchema, toArrowType } from '../delta/arrowSchema';
import { DeltaError } from '../delta/errors';
import type { DataType, StructType } from '../delta/schema';

/**
 * A cell already in the value form of its Delta type: numbers for byte/short/integer/float/double,
 * bigint for long, unscaled bigint for decimals (at the column's scale), epoch days for dates,
 * epoch microseconds (bigint) for timestamps, string, boolean, bytes for binary; objects by field
 * name for structs, arrays for arrays, [key, value] pairs for maps.
 */
export type Cell = null | number | bigint | string | boolean | Uint8Array | Cell[] | { [field: string]: Cell } | Array<[Cell, Cell]>;

const encoder = new TextEncoder();

/** Appends cells of one Delta type and produces Arrow Data in the Arrow type our engine uses for it. */
interface ColumnBuilder {
  append(cell: Cell): void;
  /** Rough bytes held, for batch sizing. */
  readonly bytes: number;
  finish(): Data;
}

/** Growable validity bitmap plus row count, shared by every builder. */
class Validity {
  bits = new Uint8Array(64);
  length = 0;
  nulls = 0;

  push(valid: boolean): void {
    if (this.length >> 3 >= this.bits.length) this.bits = grow(this.bits, this.bits.length * 2);
    if (valid) this.bits[this.length >> 3] = (this.bits[this.length >> 3] as number) | (1 << (this.length & 7));
    else this.nulls++;
    this.length++;
  }

  bitmap(): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.slice(0, Math.ceil(this.length / 8));
  }
}

function grow<T extends Uint8Array | Int32Array | Float64Array | Float32Array | BigInt64Array | Int16Array | Int8Array | Uint32Array>(array: T, size: number): T {
  const Ctor = array.constructor as new (n: number) => T;
  const out = new Ctor(Math.max(size, 16));
  out.set(array as never);
  return out;
}

type FixedArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

class FixedBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private values: FixedArray;

  constructor(private readonly type: ArrowType, Ctor: new (n: number) => FixedArray, private readonly zero: number | bigint) {
    this.values = new Ctor(64);
  }

  get bytes(): number {
    return this.validity.length * this.values.BYTES_PER_ELEMENT;
  }

  append(cell: Cell): void {
    const index = this.validity.length;
    if (index >= this.values.length) this.values = grow(this.values, this.values.length * 2);
    this.values[index] = (cell === null ? this.zero : cell) as never;
    this.validity.push(cell !== null);
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({ type: this.type as never, length, nullCount: nulls, nullBitmap: this.validity.bitmap(), data: this.values.slice(0, length) as never });
  }
}

class BoolBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private readonly values = new Validity();

  constructor(private readonly type: ArrowType) {}

  get bytes(): number {
    return this.validity.length / 4;
  }

  append(cell: Cell): void {
    this.values.push(cell === true);
    this.validity.push(cell !== null);
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({ type: this.type as never, length, nullCount: nulls, nullBitmap: this.validity.bitmap(), data: this.values.bits.slice(0, Math.ceil(length / 8)) });
  }
}

class DecimalBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private words = new Uint32Array(256);

  constructor(private readonly type: ArrowType) {}

  get bytes(): number {
    return this.validity.length * 16;
  }

  append(cell: Cell): void {
    const index = this.validity.length;
    if ((index + 1) * 4 > this.words.length) this.words = grow(this.words, this.words.length * 2);
    writeInt128(this.words, index, typeof cell === 'bigint' ? cell : 0n);
    this.validity.push(cell !== null);
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({ type: this.type as never, length, nullCount: nulls, nullBitmap: this.validity.bitmap(), data: this.words.slice(0, length * 4) as never });
  }
}

class BytesBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private offsets = new Int32Array(64);
  private data = new Uint8Array(1024);
  private end = 0;

  constructor(private readonly type: ArrowType) {}

  get bytes(): number {
    return this.end + this.validity.length * 4;
  }

  append(cell: Cell): void {
    const valid = typeof cell === 'string' || cell instanceof Uint8Array;
    if (typeof cell === 'string') {
      // Encoded straight into the buffer: no intermediate array per string.
      this.reserve(cell.length * 3);
      this.end += encoder.encodeInto(cell, this.data.subarray(this.end)).written;
    } else if (cell instanceof Uint8Array) {
      this.reserve(cell.length);
      this.data.set(cell, this.end);
      this.end += cell.length;
    }
    const index = this.validity.length + 1;
    if (index >= this.offsets.length) this.offsets = grow(this.offsets, this.offsets.length * 2);
    this.offsets[index] = this.end;
    this.validity.push(valid);
  }

  private reserve(bytes: number): void {
    if (this.end + bytes > 2 ** 31 - 1) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'A batch of text exceeds 2 GiB; lower the batch size.');
    if (this.end + bytes > this.data.length) this.data = grow(this.data, Math.max(this.data.length * 2, this.end + bytes));
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({
      type: this.type as never, length, nullCount: nulls, nullBitmap: this.validity.bitmap(),
      valueOffsets: this.offsets.slice(0, length + 1), data: this.data.slice(0, this.end),
    });
  }
}

class StructBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private readonly children: ColumnBuilder[];

  constructor(private readonly type: ArrowType, private readonly struct: StructType) {
    this.children = struct.fields.map((f) => builderFor(f.type));
  }

  get bytes(): number {
    return this.children.reduce((n, c) => n + c.bytes, this.validity.length / 8);
  }

  append(cell: Cell): void {
    const record = cell !== null && typeof cell === 'object' && !Array.isArray(cell) && !(cell instanceof Uint8Array) ? cell : undefined;
    this.struct.fields.forEach((field, i) => (this.children[i] as ColumnBuilder).append(record?.[field.name] ?? null));
    this.validity.push(record !== undefined);
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({ type: this.type as Struct, length, nullCount: nulls, nullBitmap: this.validity.bitmap(), children: this.children.map((c) => c.finish()) });
  }
}

/** Lists and maps: offsets over one child (the element, or the key_value struct). */
class ListBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private offsets = new Int32Array(64);
  private count = 0;
  private readonly child: ColumnBuilder;

  constructor(private readonly type: ArrowType, childType: DataType, private readonly isMap: boolean) {
    this.child = builderFor(childType);
  }

  get bytes(): number {
    return this.child.bytes + this.validity.length * 4;
  }

  append(cell: Cell): void {
    const items = Array.isArray(cell) ? cell : undefined;
    for (const item of items ?? []) {
      this.child.append(this.isMap ? { key: (item as [Cell, Cell])[0], value: (item as [Cell, Cell])[1] } : item as Cell);
      this.count++;
    }
    const index = this.validity.length + 1;
    if (index >= this.offsets.length) this.offsets = grow(this.offsets, this.offsets.length * 2);
    this.offsets[index] = this.count;
    this.validity.push(items !== undefined);
  }

  finish(): Data {
    const { length, nulls } = this.validity;
    return makeData({
      type: this.type as never, length, nullCount: nulls, nullBitmap: this.validity.bitmap(),
      valueOffsets: this.offsets.slice(0, length + 1), child: this.child.finish(),
    } as never);
  }
}

function builderFor(type: DataType): ColumnBuilder {
  const arrow = toArrowType(type);
  switch (type.kind) {
    case 'decimal': return new DecimalBuilder(arrow);
    case 'struct': return new StructBuilder(arrow, type);
    case 'array': return new ListBuilder(arrow, type.elementType, false);
    case 'map': return new ListBuilder(arrow, {
      kind: 'struct',
      fields: [
        { name: 'key', type: type.keyType, nullable: false, metadata: {} },
        { name: 'value', type: type.valueType, nullable: true, metadata: {} },
      ],
    }, true);
    case 'primitive':
      switch (type.name) {
        case 'string':
        case 'binary': return new BytesBuilder(arrow);
        case 'boolean': return new BoolBuilder(arrow);
        case 'byte': return new FixedBuilder(arrow, Int8Array, 0);
        case 'short': return new FixedBuilder(arrow, Int16Array, 0);
        case 'integer':
        case 'date': return new FixedBuilder(arrow, Int32Array, 0);
        case 'float': return new FixedBuilder(arrow, Float32Array, 0);
        case 'double': return new FixedBuilder(arrow, Float64Array, 0);
        case 'long':
        case 'timestamp':
        case 'timestamp_ntz': return new FixedBuilder(arrow, BigInt64Array, 0n);
        case 'variant': break;
      }
  }
  throw new DeltaError('DELTA_INVALID_SCHEMA', `Cannot build a column of type ${JSON.stringify(type)} from text or JSON.`);
}

/**
 * Builds record batches of a Delta schema row by row; the connectors flush one when it reaches a
 * row count or byte size, so memory stays bounded by the batch, not the input.
 */
export class RecordBatchBuilder {
  private columns: ColumnBuilder[];
  readonly arrowSchema: Schema;
  rows = 0;

  constructor(readonly schema: StructType) {
    this.arrowSchema = toArrowSchema(schema);
    this.columns = schema.fields.map((f) => builderFor(f.type));
  }

  /** One row, cells in schema order. */
  appendRow(cells: readonly Cell[]): void {
    this.columns.forEach((column, i) => column.append(cells[i] ?? null));
    this.rows++;
  }

  get bytes(): number {
    return this.columns.reduce((n, c) => n + c.bytes, 0);
  }

  /** The rows appended since the last flush as one batch, and a fresh start. */
  flush(): RecordBatch {
    const children = this.columns.map((c) => c.finish());
    const struct = makeData({ type: new Struct(this.arrowSchema.fields as Field[]), length: this.rows, nullCount: 0, children });
    const batch = new RecordBatch(this.arrowSchema, struct);
    this.columns = this.schema.fields.map((f) => builderFor(f.type));
    this.rows = 0;
    return batch;
  }
}
