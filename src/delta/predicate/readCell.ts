import { DataType as ArrowType, DateUnit, TimeUnit, type Data, type RecordBatch } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { DeltaError } from '../errors';
import { formatDataType, type DataType } from '../schema';
import { decimalWordsToBigInt } from './decimal';
import type { RowValue } from './compileExpression';
import type { TypedValue } from './typedValue';

/** Microseconds per unit; nanoseconds divide instead (floor, like the scan's conversion). */
const MICROS_PER_UNIT: Record<Exclude<TimeUnit, TimeUnit.NANOSECOND>, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1n,
};
const MS_PER_DAY = 86_400_000n;

/**
 * The cells of a (possibly nested) column of a batch as TypedValues, found by logical name like
 * evaluatePredicate does: a NULL parent struct makes the field NULL.
 */
export function columnCells(batch: RecordBatch, path: readonly string[], type: DataType): RowValue {
  let fields = batch.schema.fields;
  let children = batch.data.children;
  const chain: Data[] = [];
  for (const name of path) {
    let index = fields.findIndex((f) => f.name === name);
    if (index < 0) index = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
    const data = children[index];
    if (index < 0 || !data) throw new DeltaError('DELTA_INVALID_EXPRESSION', `The expression reads column ${path.join('.')}, which the rows do not contain.`);
    chain.push(data);
    fields = ArrowType.isStruct(data.type) ? data.type.children : [];
    children = data.children;
  }
  const leaf = cellValues(chain.at(-1)!, type);
  const parents = chain.slice(0, -1).filter((d) => d.nullCount > 0);
  if (parents.length === 0) return leaf;
  return (row) => (parents.every((p) => isValidAt(p, row)) ? leaf(row) : null);
}

/**
 * One Arrow column's cells as TypedValues, exact: int64 and timestamps as bigint microseconds
 * (whatever the Arrow unit), dates as days, decimals unscaled with the column's scale.
 */
export function cellValues(data: Data, type: DataType): RowValue {
  const at = plainCells(data, type);
  if (data.nullCount === 0) return at;
  return (row) => (isValidAt(data, row) ? at(row) : null);
}

/**
 * apache-arrow's slices narrow fixed-width values, dictionary keys and value offsets (read at
 * `row`), not booleans' bits (read at `offset + row`), as validity bitmaps.
 */
function plainCells(data: Data, type: DataType): RowValue {
  const arrow = data.type;
  const offset = data.offset;
  const values: unknown = data.values;
  if (ArrowType.isDictionary(arrow) && data.dictionary) {
    const chunks = data.dictionary.data;
    const entry = chunks.length === 1 ? cellValues(chunks[0]!, type) : undefined;
    const keys: unknown = values;
    if (!entry || !(ArrayBuffer.isView(keys)) || keys instanceof DataView) throw unsupported(data, type);
    const index = keys as unknown as ArrayLike<number | bigint>;
    return (row) => entry(Number(index[row]!));
  }
  if (ArrowType.isDecimal(arrow) && values instanceof Uint32Array) {
    const words = data.stride;
    const scale = arrow.scale;
    return (row) => ({ unscaled: decimalWordsToBigInt(values, row * words, words), scale });
  }
  if (ArrowType.isTimestamp(arrow) && values instanceof BigInt64Array) {
    const unit = arrow.unit;
    if (unit === TimeUnit.NANOSECOND) return (row) => floorDiv(values[row]!, 1000n);
    const factor = MICROS_PER_UNIT[unit];
    return (row) => values[row]! * factor;
  }
  if (ArrowType.isDate(arrow) && arrow.unit === DateUnit.MILLISECOND) {
    if (values instanceof BigInt64Array) return (row) => Number(floorDiv(values[row]!, MS_PER_DAY));
    if (values instanceof Float64Array || values instanceof Int32Array) return (row) => Math.floor(Number(values[row]!) / 86_400_000);
    throw unsupported(data, type);
  }
  if (ArrowType.isBool(arrow) && values instanceof Uint8Array) {
    return (row) => {
      const bit = offset + row;
      return ((values[bit >> 3]! >> (bit & 7)) & 1) === 1;
    };
  }
  if ((ArrowType.isUtf8(arrow) || ArrowType.isLargeUtf8(arrow) || ArrowType.isBinary(arrow) || ArrowType.isLargeBinary(arrow)) && values instanceof Uint8Array) {
    const offsets: unknown = data.valueOffsets;
    const text = ArrowType.isUtf8(arrow) || ArrowType.isLargeUtf8(arrow);
    const decoder = new TextDecoder();
    const slice = (start: number, end: number): TypedValue => (text ? decoder.decode(values.subarray(start, end)) : values.slice(start, end));
    if (offsets instanceof Int32Array) return (row) => slice(offsets[row]!, offsets[row + 1]!);
    if (offsets instanceof BigInt64Array) return (row) => slice(Number(offsets[row]!), Number(offsets[row + 1]!));
    throw unsupported(data, type);
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    // long as bigint; a uint64 read as a Delta double/decimal keeps its exact value either way.
    return (row) => values[row]!;
  }
  if (values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array || values instanceof Uint8Array
    || values instanceof Uint16Array || values instanceof Uint32Array || values instanceof Float32Array || values instanceof Float64Array) {
    return (row) => values[row]!;
  }
  throw unsupported(data, type);
}

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor < 0n ? quotient - 1n : quotient;
}

function unsupported(data: Data, type: DataType): DeltaError {
  return new DeltaError('DELTA_INVALID_EXPRESSION',
    `Expressions cannot read ${formatDataType(type)} values of Arrow type ${String(data.type)}; only primitive and decimal columns are supported.`);
}
