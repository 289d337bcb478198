import { decimalDigits, parseDecimalText, rescaleDecimal } from '../delta/predicate/decimal';
import { formatDataType, primitive, type DataType } from '../delta/schema';
import type { Cell } from './columnBuilder';
import { compileDateTimeFormat, ISO_FORMAT, type DateTimeFormat } from './dateTimeFormat';

export interface TextFormats {
  date: DateTimeFormat;
  timestamp: DateTimeFormat;
}

/** The formats a reader's --date-format / --timestamp-format patterns ask for; ISO 8601 where none is given. */
export function textFormats(patterns: { dateFormat?: string | undefined; timestampFormat?: string | undefined }): TextFormats {
  return {
    date: patterns.dateFormat ? compileDateTimeFormat(patterns.dateFormat) : ISO_FORMAT,
    timestamp: patterns.timestampFormat ? compileDateTimeFormat(patterns.timestampFormat) : ISO_FORMAT,
  };
}

/** A cell, or why the text is not a value of the type (for the bad-row report). */
export type ParsedCell = { value: Cell } | { error: string };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '+Infinity': Infinity, '-Infinity': -Infinity, inf: Infinity, '-inf': -Infinity };
const RANGES: Record<string, [bigint, bigint]> = {
  byte: [-(2n ** 7n), 2n ** 7n - 1n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
};
const TRUE = new Set(['true', 'TRUE', 'True']);
const FALSE = new Set(['false', 'FALSE', 'False']);

/** Text (a CSV field) as a value of a primitive or decimal Delta type. Surrounding spaces are not trimmed: they are data. */
export function parseTextCell(text: string, type: DataType, formats: TextFormats): ParsedCell {
  if (type.kind === 'decimal') {
    const parsed = NUMBER.test(text) ? parseDecimalText(text) : undefined;
    const scaled = parsed && rescaleDecimal(parsed, type.scale, 'exact');
    if (!scaled) return parsed ? { error: `${quote(text)} has more than ${type.scale} decimal places for ${formatDataType(type)}` } : bad(text, type, formats);
    if (decimalDigits(scaled) > type.precision) return { error: `${quote(text)} does not fit ${formatDataType(type)}` };
    return { value: scaled.unscaled };
  }
  if (type.kind !== 'primitive') return { error: `a CSV field cannot hold a ${type.kind}` };
  switch (type.name) {
    case 'string':
      return { value: text };
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      if (!INTEGER.test(text)) return bad(text, type, formats);
      const n = BigInt(text);
      const [min, max] = RANGES[type.name] as [bigint, bigint];
      if (n < min || n > max) return { error: `${quote(text)} is out of the range of ${type.name}` };
      return { value: type.name === 'long' ? n : Number(n) };
    }
    case 'float':
    case 'double': {
      if (Object.hasOwn(SPECIAL_DOUBLES, text)) return { value: SPECIAL_DOUBLES[text] as number };
      if (!NUMBER.test(text)) return bad(text, type, formats);
      return { value: type.name === 'float' ? Math.fround(Number(text)) : Number(text) };
    }
    case 'boolean':
      if (TRUE.has(text)) return { value: true };
      if (FALSE.has(text)) return { value: false };
      return bad(text, type, formats);
    case 'date': {
      const days = formats.date.parseDate(text);
      return days === undefined ? bad(text, type, formats) : { value: days };
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = formats.timestamp.parseTimestamp(text);
      return micros === undefined ? bad(text, type, formats) : { value: micros };
    }
    case 'binary':
      return { value: new TextEncoder().encode(text) };
    case 'variant':
      return { error: 'variant columns cannot be read from text' };
  }
}

// A plain function, not a closure per call: this runs for every cell of a file.
function bad(text: string, type: DataType, formats: TextFormats): ParsedCell {
  return { error: `${quote(text)} is not a valid ${formatDataType(type)}${hint(type, formats)}` };
}

function hint(type: DataType, formats: TextFormats): string {
  if (type.kind !== 'primitive') return '';
  if (type.name === 'date') return ` (expected format ${formats.date.pattern})`;
  if (type.name === 'timestamp' || type.name === 'timestamp_ntz') return ` (expected format ${formats.timestamp.pattern})`;
  return '';
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

type Candidate = 'long' | 'double' | 'boolean' | 'date' | 'timestamp';
const ORDER: readonly Candidate[] = ['long', 'double', 'boolean', 'date', 'timestamp'];

/**
 * Infers the type of one text column from sampled values: the first of long, double, boolean,
 * date, timestamp that every non-null value parses as, else string; a column of only nulls is a
 * string. Integers are inferred as long, not int, so that a larger value later in the file does
 * not turn into a bad row.
 */
export class TextTypeInferrer {
  private readonly candidates = new Set<Candidate>(ORDER);
  private sawValue = false;

  constructor(private readonly formats: TextFormats) {}

  observe(text: string): void {
    this.sawValue = true;
    for (const candidate of [...this.candidates]) {
      if ('error' in parseTextCell(text, primitive(candidate), this.formats)) this.candidates.delete(candidate);
    }
  }

  get type(): DataType {
    if (!this.sawValue) return primitive('string');
    const first = ORDER.find((c) => this.candidates.has(c));
    return primitive(first ?? 'string');
  }
}
