import {
  Binary, Bool, DateDay, Decimal, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, TimeMicrosecond,
  TimeMillisecond, TimeNanosecond, Timestamp, TimeUnit, Uint16, Uint32, Uint64, Uint8, Utf8, type DataType,
} from 'apache-arrow';
import type { SchemaElement } from './fileMetadata';

/** parquet.thrift `Type`. */
export const PHYSICAL = {
  BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6, FIXED_LEN_BYTE_ARRAY: 7,
} as const;

/** parquet.thrift `ConvertedType` values the mapping looks at. */
const CONVERTED = {
  UTF8: 0, DECIMAL: 5, DATE: 6, TIME_MILLIS: 7, TIME_MICROS: 8, TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10,
  UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14, INT_8: 15, INT_16: 16, INT_32: 17, INT_64: 18,
} as const;

/** How the physical values become the Arrow buffer: mostly as they are, some narrowed or widened. */
export type LeafConversion =
  | 'none' | 'int8' | 'int16' | 'uint8' | 'uint16' | 'int96' | 'decimalFromBytes';

export interface LeafArrowType { type: DataType; conversion: LeafConversion }

/**
 * The Arrow type arrow-rs (parquet-wasm) gives a primitive leaf when no embedded Arrow schema says
 * otherwise (arrow-rs `parquet::arrow::schema::primitive`), or undefined for what the flat decoder
 * leaves to parquet-wasm (FLOAT16, UUID, INTERVAL, wide decimals, converted-only timestamps...).
 */
export function leafArrowType(leaf: SchemaElement): LeafArrowType | undefined {
  const logical = leaf.logicalType;
  const converted = leaf.convertedType;
  const plain = (type: DataType): LeafArrowType => ({ type, conversion: 'none' });
  switch (leaf.type) {
    case PHYSICAL.BOOLEAN:
      return logical === undefined && converted === undefined ? plain(new Bool()) : undefined;
    case PHYSICAL.INT32: {
      if (logical === undefined && converted === undefined) return plain(new Int32());
      if (logical?.kind === 'INTEGER' || (logical === undefined && converted !== undefined && converted >= CONVERTED.UINT_8 && converted <= CONVERTED.INT_32 && converted !== CONVERTED.UINT_64)) {
        const width = logical?.kind === 'INTEGER' ? logical.bitWidth : integerWidth(converted ?? 0);
        const signed = logical?.kind === 'INTEGER' ? logical.isSigned : (converted ?? 0) >= CONVERTED.INT_8;
        if (width === 8) return signed ? { type: new Int8(), conversion: 'int8' } : { type: new Uint8(), conversion: 'uint8' };
        if (width === 16) return signed ? { type: new Int16(), conversion: 'int16' } : { type: new Uint16(), conversion: 'uint16' };
        if (width === 32) return plain(signed ? new Int32() : new Uint32());
        return undefined;
      }
      if (logical?.kind === 'DATE' || (logical === undefined && converted === CONVERTED.DATE)) return plain(new DateDay());
      if (logical?.kind === 'TIME' && logical.unit === 'MILLIS') return plain(new TimeMillisecond());
      const decimal = decimalOf(leaf);
      // Widened to 16 bytes while decoding (DecimalIntColumn).
      return decimal ? { type: decimal, conversion: 'none' } : undefined;
    }
    case PHYSICAL.INT64: {
      if (logical === undefined && converted === undefined) return plain(new Int64());
      if (logical?.kind === 'INTEGER') return logical.bitWidth === 64 ? plain(logical.isSigned ? new Int64() : new Uint64()) : undefined;
      if (logical === undefined && converted === CONVERTED.INT_64) return plain(new Int64());
      if (logical === undefined && converted === CONVERTED.UINT_64) return plain(new Uint64());
      if (logical?.kind === 'TIMESTAMP') {
        return plain(new Timestamp(timeUnit(logical.unit), logical.isAdjustedToUTC ? 'UTC' : null));
      }
      if (logical?.kind === 'TIME' && logical.unit !== 'MILLIS') {
        return plain(logical.unit === 'MICROS' ? new TimeMicrosecond() : new TimeNanosecond());
      }
      const decimal = decimalOf(leaf);
      // Widened to 16 bytes while decoding (DecimalIntColumn).
      return decimal ? { type: decimal, conversion: 'none' } : undefined;
    }
    case PHYSICAL.INT96:
      return logical === undefined && converted === undefined
        ? { type: new Timestamp(TimeUnit.NANOSECOND, null), conversion: 'int96' }
        : undefined;
    case PHYSICAL.FLOAT:
      return logical === undefined && converted === undefined ? plain(new Float32()) : undefined;
    case PHYSICAL.DOUBLE:
      return logical === undefined && converted === undefined ? plain(new Float64()) : undefined;
    case PHYSICAL.BYTE_ARRAY: {
      if (logical === undefined && converted === undefined) return plain(new Binary());
      if (logical?.kind === 'STRING' || (logical === undefined && converted === CONVERTED.UTF8)) return plain(new Utf8());
      const decimal = decimalOf(leaf);
      return decimal ? { type: decimal, conversion: 'decimalFromBytes' } : undefined;
    }
    case PHYSICAL.FIXED_LEN_BYTE_ARRAY: {
      if (leaf.typeLength <= 0) return undefined;
      if (logical === undefined && converted === undefined) return plain(new FixedSizeBinary(leaf.typeLength));
      const decimal = decimalOf(leaf);
      // Widened to 16 bytes while decoding (DecimalBytesColumn).
      return decimal && leaf.typeLength <= 16 ? { type: decimal, conversion: 'none' } : undefined;
    }
    default:
      return undefined;
  }
}

function integerWidth(converted: number): number {
  switch (converted) {
    case CONVERTED.INT_8: case CONVERTED.UINT_8: return 8;
    case CONVERTED.INT_16: case CONVERTED.UINT_16: return 16;
    default: return 32;
  }
}

/** Decimal128 for a DECIMAL leaf of precision 1..38 (wider ones are Decimal256 in arrow-rs: left to it). */
function decimalOf(leaf: SchemaElement): Decimal | undefined {
  const logical = leaf.logicalType;
  let precision: number;
  let scale: number;
  if (logical?.kind === 'DECIMAL') ({ precision, scale } = logical);
  else if (logical === undefined && leaf.convertedType === CONVERTED.DECIMAL) ({ precision, scale } = leaf);
  else return undefined;
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) return undefined;
  return new Decimal(scale, precision, 128);
}

function timeUnit(unit: 'MILLIS' | 'MICROS' | 'NANOS'): TimeUnit {
  return unit === 'MILLIS' ? TimeUnit.MILLISECOND : unit === 'MICROS' ? TimeUnit.MICROSECOND : TimeUnit.NANOSECOND;
}
