import { DataType as ArrowType, Type, type Data } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { readInt128 } from '../../arrow/decimal128';
import { DeltaError } from '../errors';
import { formatDecimal } from '../predicate/decimal';
import { formatDate, formatTimestamp } from '../predicate/temporal';
import type { DataType } from '../schema';

// The path spelling needs no Arrow: it lives apart so that CONVERT, which only names files, loads no apache-arrow.
export { encodeLogPath, escapePartitionPathPart, HIVE_DEFAULT_PARTITION, partitionDirectory } from './partitionDirectory';

const decoder = new TextDecoder();

/**
 * The log form of one partition cell ("Partition Value Serialization" in PROTOCOL.md): numbers in
 * decimal text, dates `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC, booleans
 * `true`/`false`, binaries one character per byte. NULL is null, and so is the empty string (as
 * Spark writes it) unless `emptyAsNull` is false (key comparison, messages).
 */
export function partitionValueAt(data: Data, row: number, type: DataType, emptyAsNull = true): string | null {
  if (!isValidAt(data, row)) return null;
  // apache-arrow's slices narrow value offsets and fixed-width values (read at `row`), not bitmaps.
  const index = row;
  if (type.kind === 'decimal') return formatDecimal({ unscaled: readInt128(data.values as Uint32Array, index), scale: type.scale });
  if (type.kind !== 'primitive') {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `A ${type.kind} column cannot be a partition column.`);
  }
  const arrowType = data.type as ArrowType;
  switch (type.name) {
    case 'string':
    case 'binary': {
      const offsets = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(offsets[index] as number, offsets[index + 1] as number);
      const text = type.name === 'string' ? decoder.decode(bytes) : String.fromCharCode(...bytes);
      return text === '' && emptyAsNull ? null : text;
    }
    case 'boolean': {
      const bits = data.values as Uint8Array;
      const bit = data.offset + row;
      return ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0 ? 'true' : 'false';
    }
    case 'date':
      return formatDate((data.values as Int32Array)[index] as number);
    case 'timestamp':
    case 'timestamp_ntz':
      return formatTimestamp((data.values as BigInt64Array)[index] as bigint);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (arrowType.typeId !== Type.Int && arrowType.typeId !== Type.Float) break;
      return String((data.values as ArrayLike<number | bigint>)[index]);
    case 'variant':
      break;
  }
  throw new DeltaError('DELTA_INVALID_ARGUMENT', `A ${type.name} column cannot be a partition column.`);
}
