import { DataType as ArrowType, Type, type Data } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { readInt128 } from '../../arrow/decimal128';
import { DeltaError } from '../errors';
import { formatDecimal } from '../predicate/decimal';
import { formatDate, formatTimestamp } from '../predicate/temporal';
import type { DataType } from '../schema';

/** The directory name Hive and Spark use for a NULL partition value. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

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

// Hive's FileUtils.escapePathName set: controls, the characters file systems or URIs give a
// meaning to, and '%' itself so that unescaping is unambiguous.
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

/** Escapes a partition column name or value for a directory name, as Hive and Spark do (`%XX`). */
export function escapePartitionPathPart(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || ESCAPED.has(char)) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += char;
  }
  return out;
}

/** `a=1/b=x%3Ay/`: the Hive-style directory of a file with these partition values (in column order). */
export function partitionDirectory(columns: readonly string[], values: Readonly<Record<string, string | null>>): string {
  return columns
    .map((column) => `${escapePartitionPathPart(column)}=${escapePartitionPathPart(values[column] ?? HIVE_DEFAULT_PARTITION)}/`)
    .join('');
}

/**
 * A table-relative file path as the log stores it: a URI reference, so every character outside
 * the unreserved set is percent-encoded (a Hive escape `%3A` becomes `%253A`). '=' and '/' stay.
 */
export function encodeLogPath(relativePath: string): string {
  return relativePath.split('/').map((segment) => encodeURIComponent(segment).replace(/%3D/g, '=')).join('/');
}
