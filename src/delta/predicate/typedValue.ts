/**
 * The one in-memory form of a scalar value shared by predicates, file statistics and partition
 * values, chosen so comparisons are exact:
 * long -> bigint; integer/short/byte/float/double -> number; decimal -> DecimalValue;
 * date -> days since the epoch (number); timestamp/timestamp_ntz -> microseconds since the epoch
 * (bigint); string; boolean; binary -> Uint8Array; SQL NULL -> null.
 */
export type TypedValue = null | boolean | number | bigint | string | Uint8Array | DecimalValue;
export type NonNullValue = Exclude<TypedValue, null>;

/** An exact decimal: `unscaled * 10^-scale`. Values of one column may carry different scales. */
export interface DecimalValue { unscaled: bigint; scale: number }

export function isDecimalValue(value: unknown): value is DecimalValue {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array)
    && typeof (value as DecimalValue).unscaled === 'bigint' && typeof (value as DecimalValue).scale === 'number';
}

/**
 * Total order of two values of the same column type, the order Spark SQL uses: NaN is larger
 * than every other number and equal to itself, -0.0 equals 0.0, strings and binaries compare by
 * unsigned bytes of UTF-8 (that is, by code point, which is not JavaScript's UTF-16 order).
 */
export function compareValues(a: NonNullValue, b: NonNullValue): number {
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b, 0, a.length);
  if (isDecimalValue(a) && isDecimalValue(b)) return compareDecimals(a, b);
  throw new TypeError(`Cannot compare ${describe(a)} with ${describe(b)}`);
}

export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

export function compareDecimals(a: DecimalValue, b: DecimalValue): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(scale - a.scale);
  const y = b.unscaled * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Code point order without allocating: surrogates (U+D800..DFFF) sort after U+E000..FFFF. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Compares `a` with `b[start, end)`, both as unsigned bytes. */
export function compareBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): number {
  const bLength = end - start;
  const n = Math.min(a.length, bLength);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[start + i]!;
    if (d !== 0) return d;
  }
  return a.length - bLength;
}

function describe(value: NonNullValue): string {
  if (value instanceof Uint8Array) return 'binary';
  if (isDecimalValue(value)) return 'decimal';
  return typeof value;
}
