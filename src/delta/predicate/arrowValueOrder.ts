import { DataType as ArrowType, DateUnit, Precision, TimeUnit, type Data } from 'apache-arrow';
import { DeltaError } from '../errors';
import { formatDataType, type DataType } from '../schema';
import { decimalWordsToBigInt } from './decimal';
import { compareBytes, compareNumbers, isDecimalValue, type NonNullValue } from './typedValue';

/** The sign of compare(row i's value, literal) for a non-null row, in the order of compareValues. */
export type RowOrder = (row: number) => number;

const MS_PER_DAY = 86_400_000n;

/**
 * Compares the cells of one Arrow column chunk (not dictionary-encoded) with a literal by reading
 * its buffers directly: no per-row JS value is built, and Int64, timestamps and decimals stay exact
 * (Arrow JS's `get` turns microsecond timestamps into lossy millisecond numbers and dates into
 * milliseconds). `columnType` is the Delta type the literal was typed for.
 */
export function arrowValueOrder(data: Data, literal: NonNullValue, columnType: DataType): RowOrder {
  const type = data.type;
  const values: unknown = data.values;
  const mismatch = (): never => {
    throw new DeltaError('DELTA_SCHEMA_MISMATCH',
      `Cannot evaluate a ${formatDataType(columnType)} predicate on Arrow column type ${String(type)}.`);
  };
  if (ArrowType.isDecimal(type)) {
    if (!isDecimalValue(literal) || !(values instanceof Uint32Array)) return mismatch();
    const scale = Math.max(type.scale, literal.scale);
    const columnFactor = 10n ** BigInt(scale - type.scale);
    const target = literal.unscaled * 10n ** BigInt(scale - literal.scale);
    const words = data.stride;
    return (i) => {
      const v = decimalWordsToBigInt(values, i * words, words) * columnFactor;
      return v < target ? -1 : v > target ? 1 : 0;
    };
  }
  if (ArrowType.isTimestamp(type)) {
    if (typeof literal !== 'bigint' || !(values instanceof BigInt64Array)) return mismatch();
    // Scale whichever side is coarser so the comparison stays exact.
    const [valueFactor, literalFactor] = {
      [TimeUnit.SECOND]: [1_000_000n, 1n],
      [TimeUnit.MILLISECOND]: [1000n, 1n],
      [TimeUnit.MICROSECOND]: [1n, 1n],
      [TimeUnit.NANOSECOND]: [1n, 1000n],
    }[type.unit];
    const target = literal * literalFactor;
    return (i) => {
      const v = values[i]! * valueFactor;
      return v < target ? -1 : v > target ? 1 : 0;
    };
  }
  if (ArrowType.isDate(type) && type.unit === DateUnit.MILLISECOND) {
    if (typeof literal !== 'number' || !(values instanceof BigInt64Array)) return mismatch();
    const target = BigInt(literal);
    return (i) => {
      const ms = values[i]!;
      const days = ms / MS_PER_DAY - (ms % MS_PER_DAY < 0n ? 1n : 0n);
      return days < target ? -1 : days > target ? 1 : 0;
    };
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    if (typeof literal !== 'bigint') return mismatch();
    return (i) => {
      const v = values[i]!;
      return v < literal ? -1 : v > literal ? 1 : 0;
    };
  }
  if (ArrowType.isBool(type)) {
    if (typeof literal !== 'boolean' || !(values instanceof Uint8Array)) return mismatch();
    const target = Number(literal);
    return (i) => {
      const bit = data.offset + i;
      return ((values[bit >> 3]! >> (bit & 7)) & 1) - target;
    };
  }
  if (ArrowType.isUtf8(type) || ArrowType.isLargeUtf8(type) || ArrowType.isBinary(type) || ArrowType.isLargeBinary(type)) {
    const bytes = typeof literal === 'string' ? new TextEncoder().encode(literal) : literal;
    const offsets: unknown = data.valueOffsets;
    if (!(bytes instanceof Uint8Array) || !(values instanceof Uint8Array)) return mismatch();
    // UTF-8 byte order is code point order, the order string statistics and literals use.
    if (offsets instanceof Int32Array) return (i) => -compareBytes(bytes, values, offsets[i]!, offsets[i + 1]!);
    if (offsets instanceof BigInt64Array) return (i) => -compareBytes(bytes, values, Number(offsets[i]!), Number(offsets[i + 1]!));
    return mismatch();
  }
  // Half floats sit in a Uint16Array as raw bits; Delta has no such type.
  if (ArrowType.isInt(type) || (ArrowType.isFloat(type) && type.precision !== Precision.HALF) || ArrowType.isDate(type)) {
    if (typeof literal !== 'number' || !isNumberArray(values)) return mismatch();
    return (i) => compareNumbers(values[i]!, literal);
  }
  return mismatch();
}

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;

function isNumberArray(values: unknown): values is NumberArray {
  return values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array
    || values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array
    || values instanceof Float32Array || values instanceof Float64Array;
}
