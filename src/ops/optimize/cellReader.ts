import { DataType as ArrowType, Vector, type Data } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { readInt128 } from '../../arrow/decimal128';
import type { DataType } from '../../delta/schema';
import type { TypedValue } from '../../delta/predicate/typedValue';

/** Reads one cell of a column as the engine's TypedValue. */
export type CellReader = (row: number) => TypedValue;

/**
 * Cell values of a logical column (Arrow types as toArrowSchema makes them) in the form predicates
 * and statistics use, read from the buffers so longs, microsecond timestamps and decimals stay exact
 * (Arrow JS's `get` would return lossy millisecond numbers for timestamps and dates).
 */
export function cellReader(data: Data, type: DataType): CellReader {
  const offset = data.offset;
  const valid = (row: number): boolean => isValidAt(data, row);
  const values: unknown = data.values;
  if (type.kind === 'decimal' && values instanceof Uint32Array) {
    const scale = type.scale;
    return (row) => (valid(row) ? { unscaled: readInt128(values, offset + row), scale } : null);
  }
  if (values instanceof BigInt64Array) return (row) => (valid(row) ? values[offset + row] as bigint : null);
  if (ArrowType.isUtf8(data.type) && data.valueOffsets instanceof Int32Array && values instanceof Uint8Array) {
    const offsets = data.valueOffsets;
    const decoder = new TextDecoder();
    return (row) => (valid(row)
      ? decoder.decode(values.subarray(offsets[offset + row] as number, offsets[offset + row + 1] as number))
      : null);
  }
  if (ArrowType.isBool(data.type) && values instanceof Uint8Array) {
    return (row) => {
      if (!valid(row)) return null;
      const bit = offset + row;
      return ((values[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
    };
  }
  if (values instanceof Int32Array || values instanceof Int16Array || values instanceof Int8Array
    || values instanceof Float64Array || values instanceof Float32Array) {
    return (row) => (valid(row) ? values[offset + row] as number : null);
  }
  // Rare types (binary, nested): Arrow's own accessor; they only need an order, not exactness.
  const vector = new Vector([data]);
  return (row) => {
    const value: unknown = vector.get(row);
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value;
    return JSON.stringify(value);
  };
}
