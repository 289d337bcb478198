/**
 * Date and timestamp text forms used by predicates, file statistics and partition values.
 * Dates are days since 1970-01-01; timestamps are microseconds since 1970-01-01T00:00:00Z
 * (for timestamp_ntz: of the same wall-clock reading, with no zone).
 */

const MS_PER_DAY = 86_400_000;
const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_MINUTE = 60_000_000n;

const DATE = /^([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP =
  /^([+-]?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{0,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Days since the epoch of a proleptic Gregorian calendar date, or undefined if it does not exist. */
export function daysFromCivil(year: number, month: number, day: number): number | undefined {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return Math.round(date.getTime() / MS_PER_DAY);
}

/** `YYYY-MM-DD` to days since the epoch. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

export interface ParsedTimestamp {
  micros: bigint;
  /** Whether the text carried a zone (`Z`, `UTC` or an offset); micros are then adjusted to UTC. */
  hasZone: boolean;
}

/**
 * `YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|UTC|+hh[:mm]]`. A reading without a zone is taken as
 * UTC. Digits beyond microseconds are dropped (floor, as the value is never negative there).
 */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (days === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  let micros = BigInt(days) * MICROS_PER_DAY + BigInt((hour * 60 + minute) * 60 + second) * 1_000_000n + fraction;
  const zone = m[8];
  if (zone !== undefined) {
    const offset = parseOffsetMinutes(zone);
    if (offset === undefined) return undefined;
    micros -= BigInt(offset) * MICROS_PER_MINUTE;
  }
  return { micros, hasZone: zone !== undefined };
}

function parseOffsetMinutes(zone: string): number | undefined {
  if (/^(Z|UTC)$/i.test(zone)) return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 18 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

export function formatDate(days: number): string {
  const date = new Date(days * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const yearText = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
  return `${yearText}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]`, the fraction only when non-zero. */
export function formatTimestamp(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const seconds = Number(rest / 1_000_000n);
  const fraction = Number(rest % 1_000_000n);
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return `${formatDate(Number(days))} ${time}${fraction === 0 ? '' : `.${String(fraction).padStart(6, '0')}`}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
