import { DataType as ArrowType, DateUnit, Precision, TimeUnit, type Data } from 'apache-arrow';
import { DeltaError } from '../errors';
import { formatDataType, type DataType } from '../schema';
import { decimalWordsToBigInt } from './decimal';
import { compareBytes, compareNumbers, isDecimalValue, type NonNullValue } from './typedValue';

const MS_PER_DAY = 86_400_000n;
const TWO_TO_32 = 2n ** 32n;

/**
 * The sign of compare(row i's value, literal) for every row of one Arrow column chunk (not
 * dictionary-encoded), in the order of compareValues; a null row's sign is meaningless. The buffers
 * are read directly: no per-row JS value is built, and Int64, timestamps and decimals stay exact
 * (Arrow JS's `get` turns microsecond timestamps into lossy millisecond numbers and dates into
 * milliseconds). Each type has its own loop, so a filter over millions of rows runs in a tight,
 * monomorphic loop rather than through a per-row callback. `columnType` is the Delta type the
 * literal was typed for.
 */
export function arrowValueOrders(data: Data, literal: NonNullValue, columnType: DataType): Int8Array {
  const type = data.type;
  const values: unknown = data.values;
  const out = new Int8Array(data.length);
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
    for (let i = 0; i < out.length; i++) {
      const v = decimalWordsToBigInt(values, i * words, words) * columnFactor;
      out[i] = v < target ? -1 : v > target ? 1 : 0;
    }
    return out;
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
    if (valueFactor === 1n) return signedInt64Orders(values, target, out);
    for (let i = 0; i < out.length; i++) {
      const v = values[i]! * valueFactor;
      out[i] = v < target ? -1 : v > target ? 1 : 0;
    }
    return out;
  }
  if (ArrowType.isDate(type) && type.unit === DateUnit.MILLISECOND) {
    if (typeof literal !== 'number' || !(values instanceof BigInt64Array)) return mismatch();
    const target = BigInt(literal);
    for (let i = 0; i < out.length; i++) {
      const ms = values[i]!;
      const days = ms / MS_PER_DAY - (ms % MS_PER_DAY < 0n ? 1n : 0n);
      out[i] = days < target ? -1 : days > target ? 1 : 0;
    }
    return out;
  }
  if (values instanceof BigInt64Array) {
    if (typeof literal !== 'bigint') return mismatch();
    return signedInt64Orders(values, literal, out);
  }
  if (values instanceof BigUint64Array) {
    if (typeof literal !== 'bigint') return mismatch();
    for (let i = 0; i < out.length; i++) {
      const v = values[i]!;
      out[i] = v < literal ? -1 : v > literal ? 1 : 0;
    }
    return out;
  }
  if (ArrowType.isBool(type)) {
    if (typeof literal !== 'boolean' || !(values instanceof Uint8Array)) return mismatch();
    const target = Number(literal);
    for (let i = 0; i < out.length; i++) {
      const bit = data.offset + i;
      out[i] = ((values[bit >> 3]! >> (bit & 7)) & 1) - target;
    }
    return out;
  }
  if (ArrowType.isUtf8(type) || ArrowType.isLargeUtf8(type) || ArrowType.isBinary(type) || ArrowType.isLargeBinary(type)) {
    const bytes = typeof literal === 'string' ? new TextEncoder().encode(literal) : literal;
    const offsets: unknown = data.valueOffsets;
    if (!(bytes instanceof Uint8Array) || !(values instanceof Uint8Array)) return mismatch();
    // UTF-8 byte order is code point order, the order string statistics and literals use. compareBytes
    // returns a byte difference, which an Int8Array would wrap: only its sign is kept.
    if (offsets instanceof Int32Array) {
      for (let i = 0; i < out.length; i++) out[i] = -Math.sign(compareBytes(bytes, values, offsets[i]!, offsets[i + 1]!));
      return out;
    }
    if (offsets instanceof BigInt64Array) {
      for (let i = 0; i < out.length; i++) out[i] = -Math.sign(compareBytes(bytes, values, Number(offsets[i]!), Number(offsets[i + 1]!)));
      return out;
    }
    return mismatch();
  }
  // Half floats sit in a Uint16Array as raw bits; Delta has no such type.
  if (ArrowType.isFloat(type) && type.precision !== Precision.HALF) {
    if (typeof literal !== 'number' || !(values instanceof Float32Array || values instanceof Float64Array)) return mismatch();
    // compareNumbers orders NaN above every number, as Spark does.
    for (let i = 0; i < out.length; i++) out[i] = compareNumbers(values[i]!, literal);
    return out;
  }
  if (ArrowType.isInt(type) || ArrowType.isDate(type)) {
    if (typeof literal !== 'number' || !isIntegerArray(values)) return mismatch();
    for (let i = 0; i < out.length; i++) {
      const v = values[i]!;
      out[i] = v < literal ? -1 : v > literal ? 1 : 0;
    }
    return out;
  }
  return mismatch();
}

/**
 * Signed 64-bit orders compared word by word (high word signed, low word unsigned): reading a
 * BigInt64Array element makes a BigInt, which costs an allocation per row.
 */
function signedInt64Orders(values: BigInt64Array, literal: bigint, out: Int8Array): Int8Array {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const wrapped = BigInt.asIntN(64, literal);
  if (wrapped !== literal) return out.fill(literal > 0n ? -1 : 1);
  const high = Number(wrapped >> 32n);
  const low = Number(BigInt.asUintN(64, wrapped) % TWO_TO_32);
  // Little-endian words: the low word first (the platforms Node runs on).
  for (let i = 0; i < out.length; i++) {
    const h = words[2 * i + 1]!;
    if (h !== high) {
      out[i] = h < high ? -1 : 1;
      continue;
    }
    const l = words[2 * i]! >>> 0;
    out[i] = l < low ? -1 : l > low ? 1 : 0;
  }
  return out;
}

type IntegerArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

function isIntegerArray(values: unknown): values is IntegerArray {
  return values instanceof Int8Array || values instanceof Int16Array || values instanceof Int32Array
    || values instanceof Uint8Array || values instanceof Uint16Array || values instanceof Uint32Array;
}
