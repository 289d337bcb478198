import type { DataType } from '../schema';
import { decimalDigits, decimalWordsToBigInt, parseDecimalText, rescaleDecimal } from '../predicate/decimal';
import { parseDate, parseTimestamp } from '../predicate/temporal';
import { isDecimalValue, type DecimalValue, type NonNullValue } from '../predicate/typedValue';
import { JsonNumberText } from './rawJson';

/** Which bound a statistic is: rounding of inexact sources goes outward (min down, max up). */
export type BoundRole = 'min' | 'max';

const MS_PER_DAY = 86_400_000;
const SPECIAL_FLOATS: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
/** Doubles carry about 15 significant decimal digits exactly; beyond that a decimal bound is unsafe. */
const SAFE_DOUBLE_DIGITS = 15;

/**
 * One min/max statistic in the value form of `type` (see typedValue.ts), from either the JSON
 * `stats` (numbers as JsonNumberText, dates and timestamps as text) or a checkpoint's
 * `stats_parsed` read through Arrow JS (numbers, bigints, Date objects, epoch-millisecond numbers
 * for dates and timestamps, Uint32Array words for decimals). Undefined when the value is absent,
 * of the wrong shape, or cannot be represented without risking a wrong bound.
 */
export function toStatValue(value: unknown, type: DataType, role: BoundRole): NonNullValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (type.kind === 'decimal') return toDecimal(value, type.scale, role);
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer': {
      const n = toExactInteger(value);
      return n === undefined ? undefined : Number(n);
    }
    case 'long':
      return toExactInteger(value);
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      if (value instanceof JsonNumberText) return Number(value.text);
      return typeof value === 'string' && value in SPECIAL_FLOATS ? SPECIAL_FLOATS[value] : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      if (typeof value === 'string') return parseDate(value);
      if (value instanceof Date) return Math.floor(value.getTime() / MS_PER_DAY);
      return typeof value === 'number' ? Math.floor(value / MS_PER_DAY) : undefined;
    case 'timestamp':
    case 'timestamp_ntz':
      return toMicros(value, role);
    case 'binary':
    case 'variant':
      return undefined;
  }
}

/** A count (nullCount, numRecords) as a number, or undefined. */
export function toCount(value: unknown): number | undefined {
  const n = toExactInteger(value);
  return n === undefined || n < 0n ? undefined : Number(n);
}

function toExactInteger(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  const text = value instanceof JsonNumberText ? value.text : undefined;
  if (text === undefined) return undefined;
  const parsed = parseDecimalText(text);
  return parsed === undefined ? undefined : rescaleDecimal(parsed, 0, 'exact')?.unscaled;
}

function toDecimal(value: unknown, scale: number, role: BoundRole): DecimalValue | undefined {
  let exact: DecimalValue | undefined;
  if (value instanceof JsonNumberText || typeof value === 'string') {
    exact = parseDecimalText(value instanceof JsonNumberText ? value.text : value);
  } else if (isDecimalValue(value)) {
    exact = value;
  } else if (value instanceof Uint32Array) {
    // Arrow JS hands Decimal128 cells out as their little-endian words, already at the column scale.
    exact = { unscaled: decimalWordsToBigInt(value, 0, value.length), scale };
  } else if (typeof value === 'bigint') {
    exact = { unscaled: value, scale: 0 };
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    const shortest = parseDecimalText(String(value));
    exact = shortest && decimalDigits(shortest) <= SAFE_DOUBLE_DIGITS ? shortest : undefined;
  }
  return exact && rescaleDecimal(exact, scale, role === 'min' ? 'floor' : 'ceiling');
}

function toMicros(value: unknown, role: BoundRole): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') return parseTimestamp(value)?.micros;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : BigInt(value.getTime()) * 1000n;
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Arrow JS reads timestamps as (fractional) epoch milliseconds.
    const micros = value * 1000;
    return BigInt(role === 'min' ? Math.floor(micros) : Math.ceil(micros));
  }
  return undefined;
}
