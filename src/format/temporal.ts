/**
 * Dates and timestamps as text for the CLI contract: `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS.ffffff[Z]`.
 * Pure integer arithmetic on the stored days / microseconds, so values before 1970 and far outside
 * the range of JS `Date` (±100 million days) keep every digit.
 */

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * Proleptic Gregorian calendar date of a day count since 1970-01-01 (Howard Hinnant's
 * `civil_from_days`, which is exact for any integer day count).
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/**
 * Years 0..9999 as four digits; others in ISO 8601 expanded form with a sign and six digits
 * (`+010000`, `-000001`), the form `Date.prototype.toISOString` uses, so scripts can parse it back.
 */
function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}

function pad2(value: number | bigint): string {
  return String(value).padStart(2, '0');
}

/** `YYYY-MM-DD` of a Delta `date` (days since the epoch). */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * A Delta timestamp (microseconds since the epoch) with always six fraction digits; `utc` adds the
 * `Z` that distinguishes `timestamp` from `timestamp_ntz`.
 */
export function formatTimestampMicros(micros: bigint, utc: boolean): string {
  // Floor division: -1 µs is 1969-12-31T23:59:59.999999, not 1970-01-01 minus something.
  let days = micros / MICROS_PER_DAY;
  if (micros % MICROS_PER_DAY < 0n) days -= 1n;
  const ofDay = micros - days * MICROS_PER_DAY;
  const seconds = ofDay / 1_000_000n;
  const fraction = String(ofDay % 1_000_000n).padStart(6, '0');
  const time = `${pad2(seconds / 3600n)}:${pad2((seconds / 60n) % 60n)}:${pad2(seconds % 60n)}.${fraction}`;
  return `${formatDate(Number(days))}T${time}${utc ? 'Z' : ''}`;
}
