/** Spark's default `dataSkippingStringPrefixLength`: string statistics keep this many characters. */
export const STATS_STRING_PREFIX_LENGTH = 32;

const MAX_CODE_POINT = 0x10ffff;
const SURROGATES_START = 0xd800;
const SURROGATES_END = 0xdfff;

/** A lower bound of `value` of at most `length` code points: its prefix. */
export function truncatedMin(value: string, length = STATS_STRING_PREFIX_LENGTH): string {
  const points = Array.from(value);
  return points.length <= length ? value : points.slice(0, length).join('');
}

/**
 * An upper bound of `value` of at most `length` code points: the value itself when short enough,
 * else its prefix with the last code point raised by one (dropping code points that cannot be
 * raised). Undefined when no such bound exists (a prefix of U+10FFFF only): then no max is written.
 */
export function truncatedMax(value: string, length = STATS_STRING_PREFIX_LENGTH): string | undefined {
  const points = Array.from(value, (c) => c.codePointAt(0) as number);
  if (points.length <= length) return value;
  const prefix = points.slice(0, length);
  while (prefix.length > 0) {
    let last = (prefix.pop() as number) + 1;
    if (last === SURROGATES_START) last = SURROGATES_END + 1;
    if (last <= MAX_CODE_POINT) return String.fromCodePoint(...prefix, last);
  }
  return undefined;
}
