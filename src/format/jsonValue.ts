import {
  DataType as ArrowDataType, DateUnit, Precision, TimeUnit, type Data, type RecordBatch, type Schema,
} from 'apache-arrow';
import { DeltaError } from '../delta/errors';
import { formatDataType, type DataType, type StructField, type StructType } from '../delta/schema';
import { formatDecimal, readUnscaledDecimal } from './decimal';
import { shortestFloat32 } from './float32';
import { formatDate, formatTimestampMicros } from './temporal';

/**
 * A value as the CLI contract prints it: int64 beyond ±(2^53−1), decimals, dates, timestamps,
 * binary (base64) and non-finite floats are strings; structs are objects; maps are [key, value] pairs.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonRow = Record<string, JsonValue>;

/** Reads the value at `index` of one Arrow column (or child) as a JSON-ready value. */
export type ValueReader = (data: Data, index: number) => JsonValue;
export type RowReader = (batch: RecordBatch, rowIndex: number) => JsonRow;

const MICROS_PER_UNIT: Record<TimeUnit, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1n,
  [TimeUnit.NANOSECOND]: 0n, // divided instead, see readTimestamp
};
const MS_PER_DAY = 86_400_000;
const utf8 = new TextDecoder();

/**
 * Builds a reader for the batches of one Arrow schema. The Delta schema gives the meaning (column
 * order, timestamp vs timestamp_ntz, decimal scale); the Arrow schema gives the physical layout.
 * Checking the two once here keeps the per-row work to plain array reads.
 */
export function createRowReader(arrowSchema: Schema, deltaSchema: StructType): RowReader {
  const columns = deltaSchema.fields.map((field) => {
    const index = arrowSchema.fields.findIndex((f) => f.name === field.name);
    if (index < 0) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Column "${field.name}" is missing from the data batch.`);
    }
    return { name: field.name, index, read: createValueReader(field.type, arrowSchema.fields[index].type, field.name) };
  });
  return (batch, rowIndex) => {
    const row: JsonRow = {};
    for (const column of columns) setOwn(row, column.name, column.read(batch.data.children[column.index], rowIndex));
    return row;
  };
}

const readerCache = new WeakMap<Schema, WeakMap<StructType, RowReader>>();

/** One row as JSON-ready values keyed by column name (e.g. for a data grid page). */
export function rowToJson(batch: RecordBatch, rowIndex: number, deltaSchema: StructType): JsonRow {
  let bySchema = readerCache.get(batch.schema);
  if (!bySchema) readerCache.set(batch.schema, bySchema = new WeakMap());
  let reader = bySchema.get(deltaSchema);
  if (!reader) bySchema.set(deltaSchema, reader = createRowReader(batch.schema, deltaSchema));
  return reader(batch, rowIndex);
}

/** A reader for values of Delta type `type` stored as Arrow type `arrow`; `path` names the column in errors. */
export function createValueReader(type: DataType, arrow: ArrowDataType, path: string): ValueReader {
  const read = createNonNullReader(type, arrow, path);
  return (data, index) => (data.getValid(index) ? read(data, index) : null);
}

function createNonNullReader(type: DataType, arrow: ArrowDataType, path: string): ValueReader {
  const mismatch = (): DeltaError => new DeltaError('DELTA_SCHEMA_MISMATCH',
    `Column "${path}" has Delta type ${formatDataType(type)} but the data batch stores it as Arrow ${String(arrow)}.`);
  switch (type.kind) {
    case 'decimal': {
      if (!ArrowDataType.isDecimal(arrow)) throw mismatch();
      const stride = arrow.bitWidth / 32;
      return (data, index) => formatDecimal(readUnscaledDecimal(data.values as Uint32Array, index, stride), type.scale);
    }
    case 'struct':
      if (!ArrowDataType.isStruct(arrow)) throw mismatch();
      return createStructReader(type.fields, arrow, path);
    case 'array': {
      if (!ArrowDataType.isList(arrow)) throw mismatch();
      const element = createValueReader(type.elementType, arrow.children[0].type, `${path}[]`);
      return (data, index) => {
        const [begin, end] = childRange(data, index);
        const child = data.children[0];
        const values: JsonValue[] = [];
        for (let i = begin; i < end; i++) values.push(element(child, i));
        return values;
      };
    }
    case 'map': {
      if (!ArrowDataType.isMap(arrow)) throw mismatch();
      const entries = arrow.children[0].type;
      const key = createValueReader(type.keyType, entries.children[0].type, `${path}.key`);
      const value = createValueReader(type.valueType, entries.children[1].type, `${path}.value`);
      return (data, index) => {
        const [begin, end] = childRange(data, index);
        const [keys, values] = data.children[0].children;
        const pairs: JsonValue[] = [];
        for (let i = begin; i < end; i++) pairs.push([key(keys, i), value(values, i)]);
        return pairs;
      };
    }
    case 'primitive':
      break;
  }
  switch (type.name) {
    case 'byte': case 'short': case 'integer': case 'long':
      if (!ArrowDataType.isInt(arrow)) throw mismatch();
      return (data, index) => integerToJson(data.values[index] as number | bigint);
    case 'float': case 'double':
      if (!ArrowDataType.isFloat(arrow) || arrow.precision === Precision.HALF) throw mismatch();
      return arrow.precision === Precision.SINGLE
        ? (data, index) => floatToJson(shortestFloat32(data.values[index] as number))
        : (data, index) => floatToJson(data.values[index] as number);
    case 'boolean':
      if (!ArrowDataType.isBool(arrow)) throw mismatch();
      return (data, index) => {
        // Booleans are bits and their buffer is never sliced: the slice offset applies here.
        const bit = data.offset + index;
        return ((data.values as Uint8Array)[bit >> 3] & (1 << (bit & 7))) !== 0;
      };
    case 'string':
      if (!ArrowDataType.isUtf8(arrow) && !ArrowDataType.isLargeUtf8(arrow)) throw mismatch();
      return (data, index) => utf8.decode(bytesAt(data, index));
    case 'binary':
      if (!ArrowDataType.isBinary(arrow) && !ArrowDataType.isLargeBinary(arrow)) throw mismatch();
      return (data, index) => base64(bytesAt(data, index));
    case 'date':
      if (!ArrowDataType.isDate(arrow)) throw mismatch();
      return arrow.unit === DateUnit.DAY
        ? (data, index) => formatDate(data.values[index] as number)
        : (data, index) => formatDate(Math.floor(Number(data.values[index] as bigint) / MS_PER_DAY));
    case 'timestamp': case 'timestamp_ntz': {
      if (!ArrowDataType.isTimestamp(arrow)) throw mismatch();
      const { unit } = arrow;
      const utc = type.name === 'timestamp';
      return (data, index) => formatTimestampMicros(toMicros(data.values[index] as bigint, unit), utc);
    }
    case 'variant':
      // Shown in its stored form (binary metadata and value), as decoding variants is out of scope here.
      if (!ArrowDataType.isStruct(arrow)) throw mismatch();
      return createStructReader([
        { name: 'metadata', type: { kind: 'primitive', name: 'binary' }, nullable: false, metadata: {} },
        { name: 'value', type: { kind: 'primitive', name: 'binary' }, nullable: false, metadata: {} },
      ], arrow, path);
  }
}

function createStructReader(fields: readonly StructField[], arrow: ArrowDataType, path: string): ValueReader {
  const children = fields.map((field) => {
    const index = arrow.children.findIndex((f) => f.name === field.name);
    if (index < 0) {
      throw new DeltaError('DELTA_SCHEMA_MISMATCH', `Field "${path}.${field.name}" is missing from the data batch.`);
    }
    return { name: field.name, index, read: createValueReader(field.type, arrow.children[index].type, `${path}.${field.name}`) };
  });
  return (data, index) => {
    // Struct children are sliced together with their parent, so they share the row index.
    const object: JsonRow = {};
    for (const child of children) setOwn(object, child.name, child.read(data.children[child.index], index));
    return object;
  };
}

/** The child rows of list/map entry `index`: offsets are sliced with the parent, the child is not. */
function childRange(data: Data, index: number): [number, number] {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  return [Number(offsets[index]), Number(offsets[index + 1])];
}

function bytesAt(data: Data, index: number): Uint8Array {
  const [begin, end] = childRange(data, index);
  return (data.values as Uint8Array).subarray(begin, end);
}

function integerToJson(value: number | bigint): JsonValue {
  if (typeof value === 'number') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

function floatToJson(value: number): JsonValue {
  // JSON has no NaN or infinities; the contract spells them as strings.
  return Number.isFinite(value) ? value : String(value);
}

function toMicros(value: bigint, unit: TimeUnit): bigint {
  if (unit !== TimeUnit.NANOSECOND) return value * MICROS_PER_UNIT[unit];
  const micros = value / 1000n;
  return value % 1000n < 0n ? micros - 1n : micros;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Assigns without invoking the `__proto__` setter, so a column of that name is kept as data. */
function setOwn(object: JsonRow, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
