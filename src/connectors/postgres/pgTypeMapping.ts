import { primitive, type DataType } from '../../delta/schema';

/** What pg_type says about a column's type (domains already resolved to their base type). */
export interface PgTypeInfo {
  oid: number;
  /** pg_type.typname, e.g. `int4`, `_int4` for its array, `timestamptz`. */
  name: string;
  /** pg_type.typtype: b(ase), e(num), c(omposite), d(omain), r(ange), m(ultirange), p(seudo). */
  kind: string;
  /** The element type of an array type. */
  element?: PgTypeInfo;
}

/**
 * How one column's wire value (binary COPY) becomes Arrow: the decoder reading the bytes, the Delta
 * type it produces and, when the binary form is awkward or locale-dependent, a server-side cast
 * so the value arrives in a form we decode exactly (its text output, or numeric for money).
 */
export interface ColumnDecoding {
  deltaType: DataType;
  decoder: ValueDecoder;
  /** The SQL type to cast to in the SELECT list, e.g. `text` or `text[]`; undefined: no cast. */
  cast?: string;
}

export type ValueDecoder =
  | { kind: 'int16' } | { kind: 'int32' } | { kind: 'int64' }
  | { kind: 'float32' } | { kind: 'float64' } | { kind: 'bool' }
  /** Bytes copied as they are: text-like types arrive as UTF-8, bytea as raw bytes. */
  | { kind: 'bytes' }
  /** jsonb's binary form is a version byte (1) followed by the JSON text. */
  | { kind: 'jsonb' }
  | { kind: 'uuid' }
  | { kind: 'date' }
  | { kind: 'timestamp' }
  | { kind: 'numeric'; precision: number; scale: number }
  | { kind: 'array'; element: ValueDecoder };

/** Unconstrained `numeric` has no declared scale; we store decimal(38,18) and refuse values that do not fit. */
export const UNCONSTRAINED_NUMERIC = { precision: 38, scale: 18 } as const;
const MAX_DECIMAL_PRECISION = 38;

const TEXT_LIKE = new Set(['text', 'varchar', 'bpchar', 'name', 'json', 'xml', 'citext']);
const AS_STRING: ColumnDecoding = { deltaType: primitive('string'), decoder: { kind: 'bytes' } };

/**
 * The mapping table (README "PostgreSQL type mapping"). `typmod` is the column's atttypmod
 * (numeric precision and scale live there). Every type without a better mapping becomes its text
 * output (string), so no column is ever refused or silently dropped.
 */
export function decodingFor(type: PgTypeInfo, typmod: number): ColumnDecoding {
  if (type.element) {
    const element = decodingFor(type.element, typmod);
    return {
      deltaType: { kind: 'array', elementType: element.deltaType, containsNull: true },
      decoder: { kind: 'array', element: element.decoder },
      ...(element.cast === undefined ? {} : { cast: `${element.cast}[]` }),
    };
  }
  if (type.kind === 'e') return AS_STRING;
  switch (type.name) {
    case 'int2': return { deltaType: primitive('short'), decoder: { kind: 'int16' } };
    case 'int4': return { deltaType: primitive('integer'), decoder: { kind: 'int32' } };
    case 'int8': return { deltaType: primitive('long'), decoder: { kind: 'int64' } };
    case 'float4': return { deltaType: primitive('float'), decoder: { kind: 'float32' } };
    case 'float8': return { deltaType: primitive('double'), decoder: { kind: 'float64' } };
    case 'bool': return { deltaType: primitive('boolean'), decoder: { kind: 'bool' } };
    case 'bytea': return { deltaType: primitive('binary'), decoder: { kind: 'bytes' } };
    case 'jsonb': return { deltaType: primitive('string'), decoder: { kind: 'jsonb' } };
    case 'uuid': return { deltaType: primitive('string'), decoder: { kind: 'uuid' } };
    case 'date': return { deltaType: primitive('date'), decoder: { kind: 'date' } };
    case 'timestamp': return { deltaType: primitive('timestamp_ntz'), decoder: { kind: 'timestamp' } };
    case 'timestamptz': return { deltaType: primitive('timestamp'), decoder: { kind: 'timestamp' } };
    case 'numeric': return numericDecoding(typmod);
    // money's binary form is in the smallest unit of lc_monetary; its numeric cast says where the point is.
    case 'money': return { deltaType: { kind: 'decimal', precision: 19, scale: 2 }, decoder: { kind: 'numeric', precision: 19, scale: 2 }, cast: 'numeric' };
    default:
      if (TEXT_LIKE.has(type.name)) return AS_STRING;
      // time, timetz, interval (ISO 8601: the session sets intervalstyle), inet, cidr, macaddr, ranges,
      // composites, geometry...: their text output is the exact, documented string form.
      return { ...AS_STRING, cast: 'text' };
  }
}

function numericDecoding(typmod: number): ColumnDecoding {
  if (typmod < 0) {
    const { precision, scale } = UNCONSTRAINED_NUMERIC;
    return { deltaType: { kind: 'decimal', precision, scale }, decoder: { kind: 'numeric', precision, scale } };
  }
  // atttypmod = ((precision << 16) | scale) + VARHDRSZ; since PostgreSQL 15 the scale is an 11-bit signed field.
  const packed = typmod - 4;
  const declaredPrecision = (packed >> 16) & 0xffff;
  const declaredScale = ((packed & 0x7ff) ^ 1024) - 1024;
  // A negative scale (numeric(3,-2): multiples of 100) is an integer with more digits.
  const scale = Math.max(declaredScale, 0);
  const precision = declaredPrecision - Math.min(declaredScale, 0);
  if (precision > MAX_DECIMAL_PRECISION || scale > precision) return { ...AS_STRING, cast: 'text' };
  return { deltaType: { kind: 'decimal', precision, scale }, decoder: { kind: 'numeric', precision, scale } };
}
