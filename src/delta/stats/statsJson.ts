import { JsonNumberText, parseRawJson, type RawJson } from './rawJson';

/**
 * A run of 16 digits, or of 17 digits and dots: a number that may have more significant digits
 * than a double keeps. Digits inside strings match too, which only costs the slow path.
 */
const MAYBE_INEXACT = /\d{16}|[\d.]{17}/;
/** Below this, doubles are subnormal and lose digits. */
const SMALLEST_EXACT = 2.2250738585072014e-308;

/**
 * Parses `add.stats` exactly like parseRawJson, most of the time through the native JSON.parse
 * (ten times faster than the exact parser, which made stats skipping most of a selective scan).
 * That is only exact when no number has more than 15 significant digits: then the double is the
 * nearest to the text and prints back as the same decimal value, so JsonNumberText carries the
 * same number. Anything else, or text JSON.parse refuses, takes the exact parser (which also
 * raises the same errors as before).
 */
export function parseStatsJson(text: string): RawJson {
  if (!MAYBE_INEXACT.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return parseRawJson(text);
    }
    const exact = toRawJson(parsed);
    if (exact !== INEXACT) return exact;
  }
  return parseRawJson(text);
}

const INEXACT = Symbol('inexact');

/** JSON.parse output in parseRawJson's shape: null-prototype objects, numbers as their text. */
function toRawJson(value: unknown): RawJson | typeof INEXACT {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || (value !== 0 && Math.abs(value) < SMALLEST_EXACT)) return INEXACT;
    return new JsonNumberText(Object.is(value, -0) ? '-0' : String(value));
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const out: RawJson[] = [];
    for (const item of value) {
      const converted = toRawJson(item);
      if (converted === INEXACT) return INEXACT;
      out.push(converted);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  const out = Object.create(null) as { [key: string]: RawJson };
  for (const key of Object.keys(record)) {
    const converted = toRawJson(record[key]);
    if (converted === INEXACT) return INEXACT;
    out[key] = converted;
  }
  return out;
}
