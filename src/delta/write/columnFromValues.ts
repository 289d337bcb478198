import { Data } from 'apache-arrow';
import { writeInt128 } from '../../arrow/decimal128';
import { toArrowType } from '../arrowSchema';
import { DeltaError } from '../errors';
import { isDecimalValue, type TypedValue } from '../predicate/typedValue';
import { formatDataType, type DataType } from '../schema';

/**
 * An Arrow column of a primitive or decimal Delta type from computed values (UPDATE SET and MERGE
 * expressions), built on the buffers so longs, timestamps and decimals stay exact. The values are
 * already of the type's TypedValue form (castValue did that).
 */
export function columnFromValues(type: DataType, values: readonly TypedValue[]): Data {
  const arrowType = toArrowType(type);
  const length = values.length;
  let nullCount = 0;
  const validity = new Uint8Array(Math.ceil(length / 8));
  values.forEach((v, row) => {
    if (v === null) nullCount++;
    else validity[row >> 3] = validity[row >> 3]! | (1 << (row & 7));
  });
  const wrong = (row: number): never => {
    throw new DeltaError('DELTA_INVALID_EXPRESSION', `Internal: value ${String(values[row])} is not a ${formatDataType(type)}.`);
  };
  const fixed = (buffer: ArrayBufferView): Data => new Data(arrowType, 0, length, nullCount, [undefined, buffer as never, validity]);
  if (type.kind === 'decimal') {
    const words = new Uint32Array(length * 4);
    values.forEach((v, row) => {
      if (v === null) return;
      if (!isDecimalValue(v)) return wrong(row);
      writeInt128(words, row, v.unscaled * 10n ** BigInt(type.scale - v.scale));
    });
    return fixed(words);
  }
  if (type.kind !== 'primitive') throw new DeltaError('DELTA_INVALID_EXPRESSION', `Expressions cannot produce ${formatDataType(type)} values; assign such columns from a column of the same type.`);
  switch (type.name) {
    case 'string':
    case 'binary': {
      const encoder = new TextEncoder();
      const parts = values.map((v, row) => (v === null ? new Uint8Array(0) : typeof v === 'string' ? encoder.encode(v) : v instanceof Uint8Array ? v : wrong(row)));
      const offsets = new Int32Array(length + 1);
      parts.forEach((p, row) => { offsets[row + 1] = offsets[row]! + p.length; });
      const bytes = new Uint8Array(offsets[length]!);
      parts.forEach((p, row) => bytes.set(p, offsets[row]!));
      return new Data(arrowType, 0, length, nullCount, [offsets as never, bytes as never, validity]);
    }
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      values.forEach((v, row) => { if (v === true) bits[row >> 3] = bits[row >> 3]! | (1 << (row & 7)); });
      return fixed(bits);
    }
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz': {
      const out = new BigInt64Array(length);
      values.forEach((v, row) => { if (v !== null) out[row] = typeof v === 'bigint' ? v : wrong(row); });
      return fixed(out);
    }
    case 'variant':
      throw new DeltaError('DELTA_INVALID_EXPRESSION', 'Expressions cannot produce variant values.');
    default: {
      const ArrayType = { integer: Int32Array, date: Int32Array, short: Int16Array, byte: Int8Array, float: Float32Array, double: Float64Array }[type.name];
      const out = new ArrayType(length);
      values.forEach((v, row) => { if (v !== null) out[row] = typeof v === 'number' ? v : wrong(row); });
      return fixed(out);
    }
  }
}
