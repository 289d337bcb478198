import { DeltaError } from '../errors';
import { findField, formatDataType, physicalName, type ColumnMappingMode, type DataType, type StructType } from '../schema';
import { parseDecimalText, rescaleDecimal } from '../predicate/decimal';
import { parseDate, parseTimestamp } from '../predicate/temporal';
import type { TypedValue } from '../predicate/typedValue';

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$/;

/**
 * A partition value from the log ("Partition Value Serialization" in PROTOCOL.md) in the value form
 * of its column type (see typedValue.ts). Null stays null; an empty string is null for every type
 * but string. Timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` are UTC unless they carry `Z` or an offset;
 * timestamp_ntz is the same wall-clock reading with no zone. Binary is the raw string's UTF-8 bytes.
 */
export function parsePartitionValue(raw: string | null, type: DataType): TypedValue {
  if (raw === null) return null;
  if (raw === '' && !(type.kind === 'primitive' && type.name === 'string')) return null;
  const invalid = (): never => {
    throw new DeltaError('DELTA_CORRUPT_COMMIT', `Partition value "${raw}" is not a valid ${formatDataType(type)}.`);
  };
  if (type.kind === 'decimal') {
    const parsed = parseDecimalText(raw) ?? invalid();
    return rescaleDecimal(parsed, type.scale, 'exact') ?? parsed;
  }
  if (type.kind !== 'primitive') return invalid();
  switch (type.name) {
    case 'string':
      return raw;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      if (!INTEGER_TEXT.test(raw.trim())) return invalid();
      const value = BigInt(raw.trim());
      return type.name === 'long' ? value : Number(value);
    }
    case 'float':
    case 'double':
      return FLOAT_TEXT.test(raw.trim()) ? Number(raw.trim()) : invalid();
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : invalid();
    }
    case 'binary':
      return new TextEncoder().encode(raw);
    case 'date':
      return parseDate(raw) ?? invalid();
    case 'timestamp':
    case 'timestamp_ntz':
      return parseTimestamp(raw)?.micros ?? invalid();
    case 'variant':
      return invalid();
  }
}

/**
 * All partition values of one file, typed and keyed by LOGICAL column name. In the log they are
 * keyed by physical name when column mapping is on; that is the form canSkipFile and the scan use.
 */
export function typedPartitionValues(
  raw: Readonly<Record<string, string | null>>,
  schema: StructType,
  partitionColumns: readonly string[],
  mode: ColumnMappingMode,
): Record<string, TypedValue> {
  const typed: Record<string, TypedValue> = {};
  for (const column of partitionColumns) {
    const field = findField(schema, [column]);
    if (!field) throw new DeltaError('DELTA_INVALID_SCHEMA', `Partition column "${column}" is not in the table schema.`);
    const key = physicalName(field, mode);
    if (!(key in raw)) {
      throw new DeltaError('DELTA_CORRUPT_COMMIT', `A file has no value for partition column "${column}" (key "${key}").`);
    }
    try {
      typed[field.name] = parsePartitionValue(raw[key] ?? null, field.type);
    } catch (error) {
      if (error instanceof DeltaError) throw new DeltaError(error.code, `Column "${column}": ${error.message}`, { cause: error });
      throw error;
    }
  }
  return typed;
}
