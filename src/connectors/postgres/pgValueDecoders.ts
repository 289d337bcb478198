import { writeInt128 } from '../../arrow/decimal128';
import { DeltaError } from '../../delta/errors';

/** Microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01. */
export const PG_EPOCH_MICROS = 946_684_800_000_000;
/** Days from 1970-01-01 to 2000-01-01. */
export const PG_EPOCH_DAYS = 10_957;

const NUMERIC_NEGATIVE = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

/**
 * The unscaled value of a binary `numeric` at `scale` (value × 10^scale). The wire form is base-10000
 * digits with a weight (position of the first digit). Values that do not fit decimal(precision,
 * scale) exactly, and NaN/Infinity (Delta decimals have neither), are refused: never rounded.
 */
export function numericUnscaled(view: DataView, offset: number, precision: number, scale: number, column: string): bigint {
  const ndigits = view.getInt16(offset);
  const weight = view.getInt16(offset + 2);
  const sign = view.getUint16(offset + 4);
  if (sign === NUMERIC_NAN || sign === NUMERIC_PINF || sign === NUMERIC_NINF) {
    throw new DeltaError('SOURCE_VALUE_OUT_OF_RANGE',
      `Column "${column}" holds ${sign === NUMERIC_NAN ? 'NaN' : 'Infinity'}, which a Delta decimal cannot store. Filter it out or cast the column to text in --query.`);
  }
  let digits = 0n;
  for (let i = 0; i < ndigits; i++) digits = digits * 10000n + BigInt(view.getInt16(offset + 8 + 2 * i));
  // value = digits × 10000^(weight − ndigits + 1), so unscaled = digits × 10^exponent.
  const exponent = 4 * (weight - ndigits + 1) + scale;
  let unscaled: bigint;
  if (exponent >= 0) {
    unscaled = digits * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    if (digits % divisor !== 0n) {
      throw new DeltaError('SOURCE_VALUE_OUT_OF_RANGE',
        `Column "${column}" has a value with more than ${scale} digits after the point, more than decimal(${precision},${scale}) holds. Cast it in --query (e.g. round(col, ${scale}) or col::numeric(38,10)) or to text.`);
    }
    unscaled = digits / divisor;
  }
  if (unscaled >= 10n ** BigInt(precision)) {
    throw new DeltaError('SOURCE_VALUE_OUT_OF_RANGE',
      `Column "${column}" has a value with more than ${precision - scale} digits before the point, more than decimal(${precision},${scale}) holds. Cast it in --query to a numeric(p,s) that fits, or to text.`);
  }
  return sign === NUMERIC_NEGATIVE ? -unscaled : unscaled;
}

const TWO_32 = 4294967296;

/** 10^0 … 10^15, all exact doubles: the per-value `10 ** n` (Math.pow) and `%` on doubles were most of a numeric's decoding cost. */
const POW10 = Array.from({ length: 16 }, (_, n) => 10 ** n);

/**
 * Writes the unscaled value of a binary `numeric` (see numericUnscaled) as a Decimal128 into `words`
 * at `index`. Values whose unscaled value stays below 2^53, nearly all of them, are summed exactly in
 * doubles, one base-10000 digit at a time (each digit's place in the unscaled value is
 * 10^(4·(weight − i) + scale)); a digit below the scale must then divide evenly, in small integers.
 * Larger values (and every refusal: rounding, overflow, NaN) go through BigInt, which costs several
 * times more per value.
 */
export function writeNumericUnscaled(view: DataView, offset: number, precision: number, scale: number, column: string, words: Uint32Array, index: number): void {
  const ndigits = view.getInt16(offset);
  const weight = view.getInt16(offset + 2);
  const sign = view.getUint16(offset + 4);
  if (sign === 0 || sign === NUMERIC_NEGATIVE) {
    let unscaled = 0;
    let exact = true;
    for (let i = 0; i < ndigits; i++) {
      const digit = view.getInt16(offset + 8 + 2 * i);
      const place = 4 * (weight - i) + scale;
      if (place >= 0) {
        // digit < 10^4, so a place up to 11 keeps each term below 2^53; larger ones take BigInt.
        if (place > 11) {
          exact = false;
          break;
        }
        unscaled += digit * (POW10[place] as number);
      } else if (place > -4) {
        const divisor = POW10[-place] as number;
        const quotient = (digit / divisor) | 0;
        if (quotient * divisor !== digit) {
          exact = false;
          break;
        }
        unscaled += quotient;
      } else if (digit !== 0) {
        exact = false;
        break;
      }
    }
    // Integer terms summed in order stay exact while the total stays below 2^53.
    if (exact && unscaled <= Number.MAX_SAFE_INTEGER && (precision > 15 || unscaled < (POW10[precision] as number))) {
      const value = sign === NUMERIC_NEGATIVE ? -unscaled : unscaled;
      const high = Math.floor(value / TWO_32);
      const base = index * 4;
      words[base] = value - high * TWO_32;
      words[base + 1] = high;
      const extension = value < 0 ? 0xffffffff : 0;
      words[base + 2] = extension;
      words[base + 3] = extension;
      return;
    }
  }
  writeInt128(words, index, numericUnscaled(view, offset, precision, scale, column));
}

/** Formats the 16 bytes of a uuid as its canonical lower-case text (36 ASCII bytes) into `out` at `at`. */
export function writeUuidText(bytes: Uint8Array, offset: number, out: Uint8Array, at: number): void {
  let o = at;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[o++] = 0x2d;
    const byte = bytes[offset + i] as number;
    out[o++] = HEX[byte >> 4] as number;
    out[o++] = HEX[byte & 15] as number;
  }
}

const HEX = new TextEncoder().encode('0123456789abcdef');

/**
 * Reads a big-endian int64 at `offset`, adds `add` and writes it as two little-endian 32-bit words
 * into `words` at `index` (an Int64 column's buffer viewed as Uint32). Exact without BigInt while
 * the value stays below 2^53 µs (about 285 years from 1970); BigInt beyond.
 */
export function writeInt64Plus(view: DataView, offset: number, add: number, words: Uint32Array, index: number): void {
  const high = view.getInt32(offset);
  const low = view.getUint32(offset + 4);
  if (add === 0) {
    words[2 * index] = low;
    words[2 * index + 1] = high;
    return;
  }
  if (high > -(1 << 20) && high < 1 << 20) {
    const value = high * 4294967296 + low + add;
    const newHigh = Math.floor(value / 4294967296);
    words[2 * index] = value - newHigh * 4294967296;
    words[2 * index + 1] = newHigh;
    return;
  }
  const value = BigInt.asUintN(64, view.getBigInt64(offset) + BigInt(add));
  words[2 * index] = Number(value & 0xffffffffn);
  words[2 * index + 1] = Number(value >> 32n);
}
