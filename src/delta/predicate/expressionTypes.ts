import { primitive, type DataType, type DecimalType, type PrimitiveTypeName } from '../schema';
import type { ArithmeticOp } from './expression';

/**
 * The typing rules of the expression language, those of Spark SQL (ANSI mode) so that an UPDATE or
 * MERGE gives the same values here as in Spark: integral types widen, float/double win, decimals
 * follow Spark's DecimalPrecision rules, `/` of integers is double.
 */
export const BOOLEAN = primitive('boolean');
export const STRING = primitive('string');
export const INTEGER = primitive('integer');
export const LONG = primitive('long');
export const DOUBLE = primitive('double');

export const MAX_DECIMAL_PRECISION = 38;

const INTEGRAL_RANK: Partial<Record<PrimitiveTypeName, number>> = { byte: 1, short: 2, integer: 3, long: 4 };
const INTEGRAL_DIGITS: Partial<Record<PrimitiveTypeName, number>> = { byte: 3, short: 5, integer: 10, long: 20 };

export function isPrimitive(type: DataType | undefined, ...names: PrimitiveTypeName[]): boolean {
  return type?.kind === 'primitive' && names.includes(type.name);
}

export function isIntegral(type: DataType | undefined): boolean {
  return type?.kind === 'primitive' && INTEGRAL_RANK[type.name] !== undefined;
}

export function isFractional(type: DataType | undefined): boolean {
  return isPrimitive(type, 'float', 'double');
}

export function isNumeric(type: DataType | undefined): boolean {
  return type?.kind === 'decimal' || isIntegral(type) || isFractional(type);
}

export function isTemporal(type: DataType | undefined): boolean {
  return isPrimitive(type, 'date', 'timestamp', 'timestamp_ntz');
}

export function sameType(a: DataType, b: DataType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The decimal an integral or decimal type fits in without loss (int is decimal(10,0)). */
export function asDecimal(type: DataType): DecimalType | undefined {
  if (type.kind === 'decimal') return type;
  const digits = type.kind === 'primitive' ? INTEGRAL_DIGITS[type.name] : undefined;
  return digits === undefined ? undefined : { kind: 'decimal', precision: digits, scale: 0 };
}

/** Spark's bounded decimal: above 38 digits, integer digits are kept and the scale shrinks (to 6 at least). */
export function boundedDecimal(precision: number, scale: number): DecimalType {
  if (precision <= MAX_DECIMAL_PRECISION) return { kind: 'decimal', precision, scale };
  const integerDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  return { kind: 'decimal', precision: MAX_DECIMAL_PRECISION, scale: Math.max(MAX_DECIMAL_PRECISION - integerDigits, minScale) };
}

/** The type both sides of a comparison, IN or COALESCE are cast to; undefined when there is none. */
export function commonType(a: DataType, b: DataType): DataType | undefined {
  if (sameType(a, b)) return a;
  if (isNumeric(a) && isNumeric(b)) {
    if (isPrimitive(a, 'double') || isPrimitive(b, 'double')) return DOUBLE;
    if (isFractional(a) || isFractional(b)) return (a.kind === 'decimal' || b.kind === 'decimal') ? DOUBLE : primitive('float');
    if (isIntegral(a) && isIntegral(b)) return integralRank(a) >= integralRank(b) ? a : b;
    const x = asDecimal(a)!;
    const y = asDecimal(b)!;
    const scale = Math.max(x.scale, y.scale);
    return boundedDecimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale, scale);
  }
  if (isTemporal(a) && isTemporal(b)) {
    // date vs timestamp compares as timestamps; timestamp_ntz only meets a date on its own side.
    if (isPrimitive(a, 'timestamp') || isPrimitive(b, 'timestamp')) return primitive('timestamp');
    return primitive('timestamp_ntz');
  }
  return undefined;
}

/** The result type of `a op b`, or undefined when the operands are not both numeric. */
export function arithmeticType(op: ArithmeticOp, a: DataType, b: DataType): DataType | undefined {
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  if (op === '/' && isIntegral(a) && isIntegral(b)) return DOUBLE;
  if (isFractional(a) || isFractional(b) || a.kind === 'decimal' || b.kind === 'decimal') {
    if (isFractional(a) || isFractional(b)) return commonType(a, b);
    return decimalArithmeticType(op, asDecimal(a)!, asDecimal(b)!);
  }
  return commonType(a, b);
}

function decimalArithmeticType(op: ArithmeticOp, a: DecimalType, b: DecimalType): DecimalType {
  const [p1, s1, p2, s2] = [a.precision, a.scale, b.precision, b.scale];
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      return boundedDecimal(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
    }
    case '*':
      return boundedDecimal(p1 + p2 + 1, s1 + s2);
    case '/': {
      const scale = Math.max(6, s1 + p2 + 1);
      return boundedDecimal(p1 - s1 + s2 + scale, scale);
    }
    case '%': {
      const scale = Math.max(s1, s2);
      return boundedDecimal(Math.min(p1 - s1, p2 - s2) + scale, scale);
    }
  }
}

function integralRank(type: DataType): number {
  return type.kind === 'primitive' ? INTEGRAL_RANK[type.name] ?? 0 : 0;
}

/**
 * Whether a value of `from` may be stored in a column of `to` (Spark's ANSI store assignment):
 * numbers into any numeric column (overflow is checked per value), anything atomic into a string,
 * dates and timestamps into each other. Strings never turn into numbers or dates silently.
 */
export function isAssignable(from: DataType | undefined, to: DataType): boolean {
  if (from === undefined || sameType(from, to)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (isPrimitive(to, 'string')) return from.kind === 'primitive' || from.kind === 'decimal';
  return isTemporal(from) && isTemporal(to);
}

/** Whether CAST(from AS to) is defined. */
export function isCastable(from: DataType | undefined, to: DataType): boolean {
  if (from === undefined || sameType(from, to)) return true;
  const atomic = (t: DataType): boolean => t.kind === 'decimal' || (t.kind === 'primitive' && t.name !== 'variant');
  if (!atomic(from) || !atomic(to)) return false;
  if (isPrimitive(from, 'string') || isPrimitive(to, 'string')) return true;
  if (isPrimitive(from, 'binary') || isPrimitive(to, 'binary')) return false;
  if (isNumeric(from) || isPrimitive(from, 'boolean')) return isNumeric(to) || isPrimitive(to, 'boolean');
  return isTemporal(from) && isTemporal(to);
}

const TYPE_NAMES: Record<string, PrimitiveTypeName> = {
  TINYINT: 'byte', BYTE: 'byte', SMALLINT: 'short', SHORT: 'short', INT: 'integer', INTEGER: 'integer',
  BIGINT: 'long', LONG: 'long', FLOAT: 'float', REAL: 'float', DOUBLE: 'double', STRING: 'string',
  BOOLEAN: 'boolean', DATE: 'date', TIMESTAMP: 'timestamp', TIMESTAMP_NTZ: 'timestamp_ntz', BINARY: 'binary',
};

/** A SQL type name of CAST (`bigint`, `int`, `string`...), decimals aside. */
export function primitiveTypeNamed(upper: string): DataType | undefined {
  const name = TYPE_NAMES[upper];
  return name === undefined ? undefined : primitive(name);
}
