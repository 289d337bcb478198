import { DeltaError } from '../errors';
import { formatDataType, type DataType, type DecimalType } from '../schema';
import { decimalDigits, formatDecimal, parseDecimalText, roundDecimalHalfUp } from './decimal';
import { isIntegral, isNumeric, sameType } from './expressionTypes';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from './temporal';
import { isDecimalValue, type DecimalValue, type TypedValue } from './typedValue';
import { INTEGRAL_RANGES, type IntegralTypeName } from './integralRanges';

const MICROS_PER_DAY = 86_400_000_000n;
const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);
const SPECIAL_FLOATS: Record<string, number> = { nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, inf: Infinity, '-inf': -Infinity };

/**
 * Converts a value of type `from` (see typedValue.ts for the forms) to type `to` with Spark's ANSI
 * CAST semantics: a number that does not fit is an error (never a wrapped or NULL value), decimals
 * round half up to the target scale, fractions truncate toward zero into integers, and text that
 * does not read as the target type is an error. `from` undefined is an untyped NULL.
 */
export function castValue(value: TypedValue, from: DataType | undefined, to: DataType): TypedValue {
  if (value === null) return null;
  if (from !== undefined && sameType(from, to) && to.kind !== 'decimal') return value;
  if (to.kind === 'decimal') return toDecimal(value, to);
  if (to.kind !== 'primitive') throw unsupported(value, from, to);
  switch (to.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return toIntegral(value, to.name, to);
    case 'float':
      return Math.fround(toDouble(value, to));
    case 'double':
      return toDouble(value, to);
    case 'string':
      return toText(value, from);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string') {
        const text = value.trim().toLowerCase();
        if (TRUE_TEXT.has(text)) return true;
        if (FALSE_TEXT.has(text)) return false;
        throw invalidInput(value, to);
      }
      return exactOrNumber(value, to) !== 0;
    case 'binary':
      if (typeof value === 'string') return new TextEncoder().encode(value);
      if (value instanceof Uint8Array) return value;
      throw unsupported(value, from, to);
    case 'date':
      if (typeof value === 'string') {
        const days = parseDate(value) ?? floorDays(parseTimestamp(value)?.micros);
        if (days === undefined) throw invalidInput(value, to);
        return days;
      }
      if (typeof value === 'bigint') return floorDays(value)!;
      if (typeof value === 'number') return value;
      throw unsupported(value, from, to);
    case 'timestamp':
    case 'timestamp_ntz':
      if (typeof value === 'string') {
        const parsed = parseTimestamp(value);
        if (!parsed) throw invalidInput(value, to);
        return parsed.micros;
      }
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number') return BigInt(value) * MICROS_PER_DAY;
      throw unsupported(value, from, to);
    case 'variant':
      throw unsupported(value, from, to);
  }
}

/** Checks that a decimal has at most the precision of its type, else the ANSI overflow error. */
export function checkDecimalPrecision(value: DecimalValue, type: DecimalType): DecimalValue {
  if (decimalDigits(value) > type.precision) {
    throw new DeltaError('DELTA_ARITHMETIC_OVERFLOW',
      `${formatDecimal(value)} does not fit ${formatDataType(type)}: the value needs more than ${type.precision - type.scale} digits before the point.`);
  }
  return value;
}

function toDecimal(value: Exclude<TypedValue, null>, to: DecimalType): DecimalValue {
  let exact: DecimalValue | undefined;
  if (isDecimalValue(value)) exact = value;
  else if (typeof value === 'bigint') exact = { unscaled: value, scale: 0 };
  else if (typeof value === 'boolean') exact = { unscaled: value ? 1n : 0n, scale: 0 };
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw overflow(String(value), to);
    exact = parseDecimalText(String(value));
  } else if (typeof value === 'string') {
    exact = parseDecimalText(value);
    if (!exact) throw invalidInput(value, to);
  }
  if (!exact) throw unsupported(value, undefined, to);
  return checkDecimalPrecision(roundDecimalHalfUp(exact, to.scale), to);
}

function toIntegral(value: Exclude<TypedValue, null>, name: IntegralTypeName, to: DataType): number | bigint {
  let integer: bigint;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'boolean') integer = value ? 1n : 0n;
  else if (isDecimalValue(value)) integer = value.scale === 0 ? value.unscaled : value.unscaled / 10n ** BigInt(value.scale);
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw overflow(String(value), to);
    integer = BigInt(Math.trunc(value));
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (!/^[+-]?\d+$/.test(text)) throw invalidInput(value, to);
    integer = BigInt(text);
  } else {
    throw unsupported(value, undefined, to);
  }
  const [min, max] = INTEGRAL_RANGES[name];
  if (integer < min || integer > max) throw overflow(String(integer), to);
  return name === 'long' ? integer : Number(integer);
}

function toDouble(value: Exclude<TypedValue, null>, to: DataType): number {
  if (typeof value === 'string') {
    const text = value.trim();
    const special = SPECIAL_FLOATS[text.toLowerCase()];
    if (special !== undefined) return special;
    const number = text === '' ? NaN : Number(text);
    if (Number.isNaN(number)) throw invalidInput(value, to);
    return number;
  }
  return exactOrNumber(value, to);
}

function exactOrNumber(value: Exclude<TypedValue, null>, to: DataType): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (isDecimalValue(value)) return Number(formatDecimal(value));
  throw unsupported(value, undefined, to);
}

function toText(value: Exclude<TypedValue, null>, from: DataType | undefined): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (isDecimalValue(value)) return formatDecimal(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (from?.kind === 'primitive' && from.name === 'date' && typeof value === 'number') return formatDate(value);
  if (from?.kind === 'primitive' && (from.name === 'timestamp' || from.name === 'timestamp_ntz') && typeof value === 'bigint') return formatTimestamp(value);
  if (typeof value === 'number' && isNumeric(from) && !isIntegral(from)) return formatFraction(value);
  return String(value);
}

/** Spark prints doubles with at least one fraction digit (`2.0`) and names the specials. */
function formatFraction(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const text = String(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

function floorDays(micros: bigint | undefined): number | undefined {
  if (micros === undefined) return undefined;
  const days = micros / MICROS_PER_DAY - (micros % MICROS_PER_DAY < 0n ? 1n : 0n);
  return Number(days);
}

function overflow(text: string, to: DataType): DeltaError {
  return new DeltaError('DELTA_ARITHMETIC_OVERFLOW', `${text} is out of the range of ${formatDataType(to)}.`);
}

function invalidInput(text: string, to: DataType): DeltaError {
  return new DeltaError('DELTA_CAST_INVALID_INPUT', `'${text}' cannot be read as ${formatDataType(to)}.`);
}

function unsupported(value: Exclude<TypedValue, null>, from: DataType | undefined, to: DataType): DeltaError {
  return new DeltaError('DELTA_INVALID_EXPRESSION',
    `Cannot cast ${from ? formatDataType(from) : typeof value} to ${formatDataType(to)}.`);
}
