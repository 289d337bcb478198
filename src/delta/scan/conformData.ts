import { Data, TimeUnit, Type, type DataType as ArrowType, type Decimal, type Field, type Struct, type Timestamp } from 'apache-arrow';
import { readInt128, writeInt128 } from '../../arrow/decimal128';
import { nullData } from '../../arrow/nullData';
import { toArrowType } from '../arrowSchema';
import { DeltaError } from '../errors';
import { columnMappingId, physicalName, type ColumnMappingMode, type DataType, type StructField } from '../schema';

/**
 * Turns a column as decoded from a data file into the table's logical type: physical (column
 * mapping) names become logical names, struct fields are matched by id or name and reordered,
 * missing fields become nulls, and storage variants are converted (INT96 or millisecond timestamps
 * to microseconds, narrower integers and decimals widened as type widening allows).
 */
export function conformData(source: Data, target: DataType, mode: ColumnMappingMode, column: string): Data {
  const targetType = toArrowType(target);
  // Empty batches from the IPC reader may lack child data; there is nothing to convert anyway.
  if (source.length === 0) return nullData(targetType, 0);
  switch (target.kind) {
    case 'struct':
      return conformStruct(source, target.fields, targetType, mode, column);
    case 'array': {
      expectType(source, [Type.List], column, target);
      const child = conformData(source.children[0] as Data, target.elementType, mode, `${column}.element`);
      return relabel(source, targetType, [child]);
    }
    case 'map': {
      expectType(source, [Type.Map], column, target);
      const entries = source.children[0] as Data;
      const key = conformData(entries.children[0] as Data, target.keyType, mode, `${column}.key`);
      const value = conformData(entries.children[1] as Data, target.valueType, mode, `${column}.value`);
      const entriesType = targetType.children[0]?.type as ArrowType;
      return relabel(source, targetType, [relabel(entries, entriesType, [key, value])]);
    }
    case 'decimal':
      return conformDecimal(source, target.scale, targetType, column);
    case 'primitive':
      return conformPrimitive(source, target.name, targetType, column);
  }
}

function conformStruct(source: Data, fields: StructField[], targetType: ArrowType, mode: ColumnMappingMode, column: string): Data {
  expectType(source, [Type.Struct], column, { kind: 'struct', fields });
  const sourceFields = (source.type as Struct).children;
  const children = fields.map((field, i) => {
    const index = findSourceField(sourceFields, field, mode);
    const childType = (targetType.children[i] as Field).type as ArrowType;
    if (index < 0) return nullData(childType, source.length);
    // Children of a sliced struct carry the struct's offset already.
    return conformData(source.children[index] as Data, field.type, mode, `${column}.${field.name}`);
  });
  return relabel(source, targetType, children);
}

/** Index of the file's field holding `field`: by field id in id mode, else by physical name. */
export function findSourceField(sourceFields: readonly Field[], field: StructField, mode: ColumnMappingMode): number {
  if (mode === 'id') {
    const id = columnMappingId(field);
    const byId = sourceFields.findIndex((f) => f.metadata.get('PARQUET:field_id') === String(id));
    if (byId >= 0) return byId;
  }
  const name = physicalName(field, mode);
  const exact = sourceFields.findIndex((f) => f.name === name);
  if (exact >= 0 || mode !== 'none') return exact;
  return sourceFields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
}

function conformPrimitive(source: Data, name: string, targetType: ArrowType, column: string): Data {
  const from = source.type as ArrowType;
  switch (name) {
    case 'string':
    case 'binary':
      if (from.typeId === Type.Utf8 || from.typeId === Type.Binary) return relabel(source, targetType);
      if (from.typeId === Type.LargeUtf8 || from.typeId === Type.LargeBinary) return narrowOffsets(source, targetType);
      break;
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      if (from.typeId === Type.Int) return convertValues(source, targetType, (v) => v, name === 'long');
      break;
    case 'float':
    case 'double':
      if (from.typeId === Type.Float || from.typeId === Type.Int) return convertValues(source, targetType, (v) => Number(v), false);
      break;
    case 'boolean':
      if (from.typeId === Type.Bool) return relabel(source, targetType);
      break;
    case 'date':
      if (from.typeId === Type.Date) return relabel(source, targetType);
      break;
    case 'timestamp':
    case 'timestamp_ntz':
      if (from.typeId === Type.Timestamp) return timestampToMicros(source, (from as Timestamp).unit, targetType);
      if (from.typeId === Type.Int) return convertValues(source, targetType, (v) => BigInt(v), true);
      if (from.typeId === Type.Date) return convertValues(source, targetType, (v) => BigInt(v) * 86_400_000_000n, true);
      break;
    case 'variant':
      if (from.typeId === Type.Struct) return relabel(source, targetType);
      break;
  }
  return mismatch(column, name, from);
}

function conformDecimal(source: Data, scale: number, targetType: ArrowType, column: string): Data {
  const from = source.type as ArrowType;
  if (from.typeId === Type.Decimal) {
    const sourceDecimal = from as Decimal;
    if (sourceDecimal.bitWidth === 128 && sourceDecimal.scale === scale) return relabel(source, targetType);
    const factor = 10n ** BigInt(scale - sourceDecimal.scale);
    return mapToDecimal(source, targetType, (row) => readDecimalAt(source, sourceDecimal, row) * factor);
  }
  if (from.typeId === Type.Int) {
    const values = source.values as unknown as ArrayLike<number | bigint>;
    const factor = 10n ** BigInt(scale);
    return mapToDecimal(source, targetType, (row) => BigInt(values[row] as number | bigint) * factor);
  }
  return mismatch(column, `decimal(…,${scale})`, from);
}

/**
 * apache-arrow's slices narrow fixed-width values and value offsets (read them at `row`), not
 * validity bitmaps (read at `offset + row`), here and below.
 */
function readDecimalAt(source: Data, type: Decimal, row: number): bigint {
  const index = row;
  if (type.bitWidth === 128) return readInt128(source.values as Uint32Array, index);
  if (type.bitWidth === 64) return (source.values as unknown as BigInt64Array)[index] as bigint;
  return BigInt((source.values as unknown as Int32Array)[index] as number);
}

function mapToDecimal(source: Data, targetType: ArrowType, valueAt: (row: number) => bigint): Data {
  const out = new Uint32Array(source.length * 4);
  for (let row = 0; row < source.length; row++) writeInt128(out, row, valueAt(row));
  return new Data(targetType, 0, source.length, source.nullCount, [undefined, out as never, rebasedValidity(source)]);
}

function timestampToMicros(source: Data, unit: TimeUnit, targetType: ArrowType): Data {
  if (unit === TimeUnit.MICROSECOND) return relabel(source, targetType);
  const convert = unit === TimeUnit.NANOSECOND ? (v: bigint) => floorDiv(v, 1000n)
    : unit === TimeUnit.MILLISECOND ? (v: bigint) => v * 1000n
      : (v: bigint) => v * 1_000_000n;
  return convertValues(source, targetType, (v) => convert(BigInt(v)), true, true);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** Copies a fixed-width column into the target type's array, converting each value. */
function convertValues(
  source: Data, targetType: ArrowType, convert: (v: number | bigint) => number | bigint, toBigInt: boolean, force = false,
): Data {
  if (!force && sameStorage(source.type as ArrowType, targetType)) return relabel(source, targetType);
  const ArrayType = targetType.ArrayType as new (n: number) => { [i: number]: number | bigint };
  const values = source.values as unknown as ArrayLike<number | bigint>;
  const out = new ArrayType(source.length);
  for (let row = 0; row < source.length; row++) {
    const v = convert(values[row] as number | bigint);
    out[row] = toBigInt ? BigInt(v) : Number(v);
  }
  return new Data(targetType, 0, source.length, source.nullCount, [undefined, out as never, rebasedValidity(source)]);
}

function sameStorage(a: ArrowType, b: ArrowType): boolean {
  return a.ArrayType === b.ArrayType && a.typeId === b.typeId;
}

/** Large (64-bit offset) strings and binaries to regular ones: Delta values never need 2 GiB per batch. */
function narrowOffsets(source: Data, targetType: ArrowType): Data {
  const offsets = source.valueOffsets as unknown as BigInt64Array;
  const out = new Int32Array(source.length + 1);
  const base = offsets[0] as bigint;
  for (let i = 0; i <= source.length; i++) out[i] = Number((offsets[i] as bigint) - base);
  const bytes = (source.values as Uint8Array).subarray(Number(base));
  return new Data(targetType, 0, source.length, source.nullCount, [out as never, bytes as never, rebasedValidity(source)]);
}

/** The validity bitmap re-based to offset 0 (copying only when the data is sliced). */
function rebasedValidity(source: Data): Uint8Array {
  const bitmap = source.nullBitmap;
  if (!bitmap || bitmap.length === 0 || source.nullCount === 0) return new Uint8Array(0);
  if (source.offset === 0) return bitmap;
  const out = new Uint8Array(Math.ceil(source.length / 8));
  for (let row = 0; row < source.length; row++) {
    const bit = source.offset + row;
    if ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) out[row >> 3] = (out[row >> 3] as number) | (1 << (row & 7));
  }
  return out;
}

/** The same buffers under the target type (names, nullability and time zone are type-level only). */
function relabel(source: Data, targetType: ArrowType, children: Data[] = source.children): Data {
  return new Data(targetType, source.offset, source.length, source.nullCount,
    [source.valueOffsets as never, source.values as never, source.nullBitmap as never], children);
}

function expectType(source: Data, typeIds: Type[], column: string, target: DataType): void {
  if (!typeIds.includes((source.type as ArrowType).typeId)) mismatch(column, target.kind, source.type as ArrowType);
}

function mismatch(column: string, expected: string, found: ArrowType): never {
  throw new DeltaError('DELTA_SCHEMA_MISMATCH',
    `Column "${column}" is ${expected} in the table schema but ${String(found)} in a data file; the file does not match the table.`);
}
