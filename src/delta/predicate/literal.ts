import type { DataType } from '../schema';
import { parseDecimalText, rescaleDecimal } from './decimal';
import { parseDate, parseTimestamp } from './temporal';
import type { TypedValue } from './typedValue';
import { INTEGRAL_RANGES, type IntegralTypeName } from './integralRanges';

/** A literal as written, before it meets the type of the column it is compared with. */
export type RawLiteral =
  | { kind: 'number'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'hex'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date' | 'timestamp' | 'timestamp_ntz'; text: string };

export type Coercion = { ok: true; value: TypedValue } | { ok: false; expected: string };

const INTEGER_TEXT = /^[+-]?\d+$/;
const SPECIAL_FLOATS: Record<string, number> = { nan: NaN, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** Converts a literal to the value form of `type` (see typedValue.ts), or says what was expected. */
export function coerceLiteral(raw: RawLiteral, type: DataType): Coercion {
  if (raw.kind === 'null') return { ok: true, value: null };
  if (type.kind === 'decimal') return coerceDecimal(raw, type.scale);
  if (type.kind !== 'primitive') return { ok: false, expected: 'no value: only IS [NOT] NULL applies to a nested column' };
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return coerceInteger(raw, type.name);
    case 'float':
    case 'double':
      if (raw.kind === 'number') return { ok: true, value: Number(raw.text) };
      if (raw.kind === 'string' && raw.text.toLowerCase() in SPECIAL_FLOATS) {
        return { ok: true, value: SPECIAL_FLOATS[raw.text.toLowerCase()]! };
      }
      return { ok: false, expected: "a number (or 'NaN', 'Infinity', '-Infinity')" };
    case 'string':
      return raw.kind === 'string'
        ? { ok: true, value: raw.text }
        : { ok: false, expected: "a quoted string such as 'abc'" };
    case 'boolean':
      return raw.kind === 'boolean' ? { ok: true, value: raw.value } : { ok: false, expected: 'TRUE or FALSE' };
    case 'binary':
      if (raw.kind === 'hex') return { ok: true, value: hexBytes(raw.text) };
      if (raw.kind === 'string') return { ok: true, value: new TextEncoder().encode(raw.text) };
      return { ok: false, expected: "a binary literal such as X'0AFF' or a quoted string" };
    case 'date': {
      const days = raw.kind === 'date' || raw.kind === 'string' ? parseDate(raw.text) : undefined;
      return days === undefined
        ? { ok: false, expected: "a date such as DATE '2024-01-31'" }
        : { ok: true, value: days };
    }
    case 'timestamp':
    case 'timestamp_ntz':
      return coerceTimestamp(raw, type.name);
    case 'variant':
      return { ok: false, expected: 'no value: only IS [NOT] NULL applies to a variant column' };
  }
}

function coerceInteger(raw: RawLiteral, name: IntegralTypeName): Coercion {
  const [min, max] = INTEGRAL_RANGES[name];
  const expected = `an integer between ${min} and ${max}`;
  if (raw.kind !== 'number' || !INTEGER_TEXT.test(raw.text)) return { ok: false, expected };
  const value = BigInt(raw.text);
  if (value < min || value > max) return { ok: false, expected };
  return { ok: true, value: name === 'long' ? value : Number(value) };
}

function coerceDecimal(raw: RawLiteral, scale: number): Coercion {
  const parsed = raw.kind === 'number' ? parseDecimalText(raw.text) : undefined;
  if (!parsed) return { ok: false, expected: 'a number' };
  // Keep more digits than the column has rather than rounding: comparisons stay exact.
  return { ok: true, value: rescaleDecimal(parsed, scale, 'exact') ?? parsed };
}

function coerceTimestamp(raw: RawLiteral, name: 'timestamp' | 'timestamp_ntz'): Coercion {
  const example = name === 'timestamp' ? "TIMESTAMP '2024-01-31 10:00:00'" : "TIMESTAMP_NTZ '2024-01-31 10:00:00'";
  const parsed = raw.kind === 'string' || raw.kind === 'date' || raw.kind === 'timestamp' || raw.kind === 'timestamp_ntz'
    ? parseTimestamp(raw.text)
    : undefined;
  if (!parsed) return { ok: false, expected: `a timestamp such as ${example}` };
  if (name === 'timestamp_ntz' && parsed.hasZone) {
    return { ok: false, expected: `a timestamp without a time zone, such as ${example}` };
  }
  return { ok: true, value: parsed.micros };
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** A literal as the user wrote it, for error messages. */
export function describeRawLiteral(raw: RawLiteral): string {
  switch (raw.kind) {
    case 'null': return 'NULL';
    case 'boolean': return raw.value ? 'TRUE' : 'FALSE';
    case 'number': return raw.text;
    case 'string': return `'${raw.text}'`;
    case 'hex': return `X'${raw.text}'`;
    default: return `${raw.kind.toUpperCase()} '${raw.text}'`;
  }
}
