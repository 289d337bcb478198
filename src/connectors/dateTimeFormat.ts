import { DeltaError } from '../delta/errors';
import { daysFromCivil, parseDate, parseTimestamp } from '../delta/predicate/temporal';

/** A date or timestamp reader: ISO 8601 by default, or a Spark/Java-style pattern such as `dd/MM/yyyy HH:mm`. */
export interface DateTimeFormat {
  readonly pattern: string;
  /** Epoch days, or undefined when the text does not match. */
  parseDate(text: string): number | undefined;
  /** Epoch microseconds (UTC; a text without a zone is read as UTC), or undefined. */
  parseTimestamp(text: string): bigint | undefined;
}

const MICROS_PER_DAY = 86_400_000_000n;

export const ISO_FORMAT: DateTimeFormat = {
  pattern: 'ISO 8601',
  parseDate: (text) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDate(text) : undefined),
  parseTimestamp: (text) => (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) ? parseTimestamp(text)?.micros : undefined),
};

type Part = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'zone';

const TOKENS: Array<[RegExp, Part, string]> = [
  [/^yyyy/, 'year', '(\\d{4})'],
  [/^MM/, 'month', '(\\d{2})'],
  [/^M/, 'month', '(\\d{1,2})'],
  [/^dd/, 'day', '(\\d{2})'],
  [/^d/, 'day', '(\\d{1,2})'],
  [/^HH/, 'hour', '(\\d{2})'],
  [/^H/, 'hour', '(\\d{1,2})'],
  [/^mm/, 'minute', '(\\d{2})'],
  [/^ss/, 'second', '(\\d{2})'],
  [/^S{1,9}/, 'fraction', ''],
  [/^(XXX|XX|X|Z|xxx)/, 'zone', '(Z|[+-]\\d{2}:?\\d{2}|[+-]\\d{2})'],
];

/**
 * Compiles a pattern of the letters Spark's CSV options use (yyyy MM M dd d HH H mm ss S..S,
 * X/XXX/Z for the zone, 'quoted' literals); anything else is a literal character.
 */
export function compileDateTimeFormat(pattern: string): DateTimeFormat {
  const parts: Part[] = [];
  let regex = '';
  let rest = pattern;
  while (rest.length > 0) {
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end < 0) throw new DeltaError('DELTA_INVALID_ARGUMENT', `The date/time format "${pattern}" has an unclosed quote.`);
      regex += escapeRegex(rest.slice(1, end));
      rest = rest.slice(end + 1);
      continue;
    }
    const token = TOKENS.find(([re]) => re.test(rest));
    if (token) {
      const matched = (token[0].exec(rest) as RegExpExecArray)[0];
      parts.push(token[1]);
      regex += token[1] === 'fraction' ? `(\\d{${matched.length}})` : token[2];
      rest = rest.slice(matched.length);
      continue;
    }
    if (/^[A-Za-z]/.test(rest)) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT', `The date/time format "${pattern}" uses "${rest[0]}", which is not supported (use yyyy MM dd HH mm ss SSS XXX).`);
    }
    regex += escapeRegex(rest[0] as string);
    rest = rest.slice(1);
  }
  const compiled = new RegExp(`^${regex}$`);
  const fields = (text: string): Map<Part, string> | undefined => {
    const match = compiled.exec(text);
    if (!match) return undefined;
    return new Map(parts.map((part, i) => [part, match[i + 1] as string]));
  };
  const days = (f: Map<Part, string>): number | undefined => {
    if (!f.has('year') || !f.has('month') || !f.has('day')) return undefined;
    return daysFromCivil(Number(f.get('year')), Number(f.get('month')), Number(f.get('day')));
  };
  return {
    pattern,
    parseDate(text) {
      const f = fields(text);
      return f && days(f);
    },
    parseTimestamp(text) {
      const f = fields(text);
      const day = f && days(f);
      if (!f || day === undefined) return undefined;
      const hour = Number(f.get('hour') ?? 0);
      const minute = Number(f.get('minute') ?? 0);
      const second = Number(f.get('second') ?? 0);
      if (hour > 23 || minute > 59 || second > 59) return undefined;
      const fraction = BigInt((f.get('fraction') ?? '').padEnd(6, '0').slice(0, 6));
      const offset = zoneMinutes(f.get('zone'));
      if (offset === undefined) return undefined;
      return BigInt(day) * MICROS_PER_DAY + BigInt(((hour * 60 + minute - offset) * 60 + second)) * 1_000_000n + fraction;
    },
  };
}

function zoneMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 18 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
