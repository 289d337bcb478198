import type { DecimalValue } from './typedValue';

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Exact value of a decimal number text (`-12.50`, `0E-10`, `1e3`), keeping the scale the text
 * shows (never negative). JSON numbers from statistics go through here so that no digit is lost
 * to a double.
 */
export function parseDecimalText(text: string): DecimalValue | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return undefined;
  const integerDigits = m[2] ?? '';
  const fractionDigits = m[3] ?? '';
  if (integerDigits === '' && fractionDigits === '') return undefined;
  let unscaled = BigInt(integerDigits + fractionDigits || '0');
  let scale = fractionDigits.length - Number(m[4] ?? 0);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: m[1] === '-' ? -unscaled : unscaled, scale };
}

export type Rounding = 'exact' | 'floor' | 'ceiling';

/**
 * The same value at `scale`. Going to a smaller scale is only exact when the dropped digits are
 * zero; otherwise `floor`/`ceiling` give a bound on the correct side and `exact` gives undefined.
 */
export function rescaleDecimal(value: DecimalValue, scale: number, rounding: Rounding): DecimalValue | undefined {
  if (scale >= value.scale) return { unscaled: value.unscaled * 10n ** BigInt(scale - value.scale), scale };
  const divisor = 10n ** BigInt(value.scale - scale);
  let quotient = value.unscaled / divisor;
  const remainder = value.unscaled % divisor;
  if (remainder !== 0n) {
    if (rounding === 'exact') return undefined;
    if (rounding === 'floor' && remainder < 0n) quotient -= 1n;
    if (rounding === 'ceiling' && remainder > 0n) quotient += 1n;
  }
  return { unscaled: quotient, scale };
}

/** Number of significant digits of the unscaled value (the precision it needs). */
export function decimalDigits(value: DecimalValue): number {
  const digits = (value.unscaled < 0n ? -value.unscaled : value.unscaled).toString();
  return digits === '0' ? 1 : digits.length;
}

export function formatDecimal(value: DecimalValue): string {
  const negative = value.unscaled < 0n;
  const digits = (negative ? -value.unscaled : value.unscaled).toString().padStart(value.scale + 1, '0');
  const point = digits.length - value.scale;
  const text = value.scale === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/**
 * The signed integer held in `count` little-endian 32-bit words starting at `start`, the layout
 * of Arrow's Decimal128/256 values (two's complement).
 */
export function decimalWordsToBigInt(words: Uint32Array, start: number, count: number): bigint {
  let value = 0n;
  for (let i = count - 1; i >= 0; i--) value = (value << 32n) | BigInt(words[start + i]!);
  return BigInt.asIntN(32 * count, value);
}

/** The value at `scale`, rounding half away from zero as SQL's ROUND_HALF_UP does. */
export function roundDecimalHalfUp(value: DecimalValue, scale: number): DecimalValue {
  if (scale >= value.scale) return { unscaled: value.unscaled * 10n ** BigInt(scale - value.scale), scale };
  const divisor = 10n ** BigInt(value.scale - scale);
  const quotient = value.unscaled / divisor;
  const remainder = value.unscaled % divisor;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  return { unscaled: twice >= divisor ? quotient + (value.unscaled < 0n ? -1n : 1n) : quotient, scale };
}
