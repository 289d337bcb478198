import { DeltaError } from '../../delta/errors';
import { primitive } from '../../delta/schema';
import { PG_EPOCH_DAYS, PG_EPOCH_MICROS } from './pgValueDecoders';
import type { ColumnDecoding, ValueDecoder } from './pgTypeMapping';

/**
 * A column's decoding when its values arrive as text output (a SELECT in text format) rather than
 * binary COPY. Text is already what the `text` casts asked for, so they are dropped (servers other
 * than PostgreSQL may not know the cast); jsonb and uuid text is their canonical string; arrays keep
 * their text form (`{1,2}`) as a string, since only binary COPY carries their structure exactly.
 */
export function textDecoding(decoding: ColumnDecoding): ColumnDecoding {
  const kind = decoding.decoder.kind;
  if (kind === 'array' || kind === 'jsonb' || kind === 'uuid') return { deltaType: primitive('string'), decoder: { kind: 'bytes' } };
  return decoding.cast === 'text' ? { deltaType: decoding.deltaType, decoder: decoding.decoder } : decoding;
}

/** How a text value is read: as its decoder's binary form says, with bytea's hex text told apart from text. */
export type TextValueKind = Exclude<ValueDecoder['kind'], 'array' | 'jsonb' | 'uuid'> | 'bytea';

const INT32_MAX = 0x7fffffff;
const MICROS_PER_DAY = 86_400_000_000n;
const TIMESTAMP = /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?( BC)?$/;
const DATE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/**
 * Re-encodes text output values into the binary wire form the Arrow column builders read, so text
 * rows land in exactly the Arrow values binary COPY gives (same range checks, same refusals).
 * `encode` writes into `bytes` (valid until the next call) and returns the length.
 */
export class TextValueEncoder {
  bytes = new Uint8Array(64);
  view = new DataView(this.bytes.buffer);
  private readonly utf8 = new TextEncoder();

  encode(kind: TextValueKind, text: string, column: string): number {
    switch (kind) {
      case 'int16': this.view.setInt16(0, this.integer(text, column)); return 2;
      case 'int32': this.view.setInt32(0, this.integer(text, column)); return 4;
      case 'int64': this.view.setBigInt64(0, this.bigint(text, column)); return 8;
      case 'float32': this.view.setFloat32(0, this.float(text, column)); return 4;
      case 'float64': this.view.setFloat64(0, this.float(text, column)); return 8;
      case 'bool': this.bytes[0] = this.bool(text, column) ? 1 : 0; return 1;
      case 'bytes': return this.utf8Bytes(text);
      case 'bytea': return this.hexBytes(text, column);
      case 'date': this.view.setInt32(0, dateDays(text, column)); return 4;
      case 'timestamp': this.view.setBigInt64(0, timestampMicros(text, column)); return 8;
      case 'numeric': return this.numeric(text, column);
    }
  }

  private integer(text: string, column: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || text.trim() === '') throw notA('an integer', text, column);
    return value;
  }

  private bigint(text: string, column: string): bigint {
    try {
      return BigInt(text);
    } catch (cause) {
      throw notA('an integer', text, column, cause);
    }
  }

  private float(text: string, column: string): number {
    const value = Number(text);
    if (Number.isNaN(value) && text !== 'NaN') throw notA('a floating-point number', text, column);
    return value;
  }

  private bool(text: string, column: string): boolean {
    if (text === 't' || text === 'true') return true;
    if (text === 'f' || text === 'false') return false;
    throw notA('a boolean', text, column);
  }

  private room(size: number): void {
    if (this.bytes.length >= size) return;
    this.bytes = new Uint8Array(Math.max(size, this.bytes.length * 2));
    this.view = new DataView(this.bytes.buffer);
  }

  private utf8Bytes(text: string): number {
    this.room(text.length * 3);
    return this.utf8.encodeInto(text, this.bytes).written;
  }

  /** bytea's text output in PostgreSQL's default hex format (`\x0aff`); any other form was already mangled into a string. */
  private hexBytes(text: string, column: string): number {
    if (!/^\\x(?:[0-9a-fA-F]{2})*$/.test(text)) {
      throw new DeltaError('SOURCE_TYPE_UNSUPPORTED',
        `Column "${column}" is binary, and this server does not send it as hex text (\\x...), so its bytes cannot be read exactly. Convert it in --query (e.g. to base64 or hex text), or leave it out.`);
    }
    const length = (text.length - 2) / 2;
    this.room(length);
    for (let i = 0; i < length; i++) this.bytes[i] = parseInt(text.slice(2 + 2 * i, 4 + 2 * i), 16);
    return length;
  }

  /** numeric's binary form: ndigits, weight, sign, dscale, then base-10000 digits (see numericUnscaled). */
  private numeric(text: string, column: string): number {
    const special = { NaN: 0xc000, Infinity: 0xd000, '-Infinity': 0xf000 }[text];
    if (special !== undefined) {
      this.view.setInt16(0, 0);
      this.view.setInt16(2, 0);
      this.view.setUint16(4, special);
      this.view.setUint16(6, 0);
      return 8;
    }
    const match = DECIMAL.exec(text);
    if (!match || (match[2] === '' && !match[3])) throw notA('a decimal number', text, column);
    const fraction = (match[3] ?? '').replace(/0+$/, '');
    const integer = match[2] ?? '';
    const integerGroups = Math.ceil(integer.length / 4);
    const digits = integer.padStart(integerGroups * 4, '0') + fraction.padEnd(Math.ceil(fraction.length / 4) * 4, '0');
    const ndigits = digits.length / 4;
    this.room(8 + 2 * ndigits);
    this.view.setInt16(0, ndigits);
    this.view.setInt16(2, integerGroups - 1);
    this.view.setUint16(4, match[1] === '-' ? 0x4000 : 0);
    this.view.setUint16(6, fraction.length);
    for (let i = 0; i < ndigits; i++) this.view.setInt16(8 + 2 * i, Number(digits.slice(4 * i, 4 * i + 4)));
    return 8 + 2 * ndigits;
  }
}

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical year: 1 BC is year 0). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function year(digits: string, bc: string | undefined): number {
  return bc ? 1 - Number(digits) : Number(digits);
}

/** Days since 2000-01-01 (the binary date); ±infinity as the extremes, which the column builder refuses. */
function dateDays(text: string, column: string): number {
  if (text === 'infinity') return INT32_MAX;
  if (text === '-infinity') return -INT32_MAX - 1;
  const m = DATE.exec(text);
  if (!m) throw notA('a date (ISO style)', text, column);
  return daysFromCivil(year(m[1] as string, m[4]), Number(m[2]), Number(m[3])) - PG_EPOCH_DAYS;
}

/**
 * Microseconds since 2000-01-01 UTC (the binary timestamp). An offset (timestamptz's output in the
 * session time zone) is applied; a timestamp without one is taken as it is. Digits below the
 * microsecond are refused rather than cut: Delta timestamps hold microseconds.
 */
function timestampMicros(text: string, column: string): bigint {
  if (text === 'infinity') return 0x7fffffffffffffffn;
  if (text === '-infinity') return -0x8000000000000000n;
  const m = TIMESTAMP.exec(text);
  if (!m) throw notA('a timestamp (ISO style)', text, column);
  const fraction = (m[7] ?? '').padEnd(9, '0');
  if (!fraction.endsWith('000')) {
    throw new DeltaError('SOURCE_VALUE_OUT_OF_RANGE',
      `Column "${column}" has a timestamp with nanoseconds (${text}); Delta timestamps hold microseconds. Truncate it in --query, or cast it to text.`);
  }
  const days = daysFromCivil(year(m[1] as string, m[13]), Number(m[2]), Number(m[3]));
  let seconds = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  if (m[9]) seconds -= (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 3600 + Number(m[11] ?? 0) * 60 + Number(m[12] ?? 0));
  return BigInt(days) * MICROS_PER_DAY + BigInt(seconds) * 1_000_000n + BigInt(fraction.slice(0, 6)) - BigInt(PG_EPOCH_MICROS);
}

function notA(what: string, text: string, column: string, cause?: unknown): DeltaError {
  return new DeltaError('SOURCE_BAD_ROW', `Column "${column}" sent "${text.slice(0, 60)}", which is not ${what}.`, cause === undefined ? undefined : { cause });
}
