import { DeltaError } from '../delta/errors';
import { primitive, type DataType, type PrimitiveTypeName } from '../delta/schema';

export interface NamedColumnType {
  name: string;
  type: DataType;
}

/** SQL spellings (Spark's and Hive's) of the primitive types a user types on a command line. */
const TYPE_NAMES: Record<string, PrimitiveTypeName> = {
  string: 'string', varchar: 'string', text: 'string',
  long: 'long', bigint: 'long', int64: 'long',
  int: 'integer', integer: 'integer', int32: 'integer',
  short: 'short', smallint: 'short', int16: 'short',
  byte: 'byte', tinyint: 'byte', int8: 'byte',
  double: 'double', float64: 'double',
  float: 'float', real: 'float', float32: 'float',
  boolean: 'boolean', bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp', timestamp_ltz: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
  binary: 'binary',
};

const DECIMAL = /^decimal\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/i;
const ENTRY = /^(`[^`]+`|[^\s`]+)\s+(.+)$/;

/**
 * Parses `"year INT, region STRING, amount DECIMAL(10,2)"` (names may be `back-quoted`; types are
 * case-insensitive SQL names). Only primitive and decimal types: these lists type partition
 * directories and CSV columns, which hold no nested values.
 */
export function parseColumnTypeList(text: string, what: string): NamedColumnType[] {
  const entries = splitTopLevel(text).map((part) => part.trim()).filter((part) => part !== '');
  if (entries.length === 0) throw invalid(what, text, 'it names no column');
  const seen = new Set<string>();
  return entries.map((entry) => {
    const match = ENTRY.exec(entry);
    if (!match) throw invalid(what, text, `"${entry}" is not "<name> <type>"`);
    const name = (match[1] as string).replace(/^`|`$/g, '');
    if (seen.has(name.toLowerCase())) throw invalid(what, text, `column "${name}" appears twice`);
    seen.add(name.toLowerCase());
    return { name, type: parseTypeName(match[2] as string, what, text) };
  });
}

export function parseTypeName(typeText: string, what: string, text = typeText): DataType {
  const lower = typeText.trim().toLowerCase();
  const decimal = DECIMAL.exec(lower);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2] ?? 0);
    if (precision < 1 || precision > 38 || scale > precision) throw invalid(what, text, `decimal(${precision},${scale}) needs 1 <= precision <= 38 and scale <= precision`);
    return { kind: 'decimal', precision, scale };
  }
  const name = TYPE_NAMES[lower];
  if (!name) throw invalid(what, text, `unknown type "${typeText.trim()}" (use string, int, long, short, byte, double, float, boolean, date, timestamp, timestamp_ntz, binary or decimal(p,s))`);
  return primitive(name);
}

/** Splits on commas outside parentheses, so `decimal(10,2)` stays whole. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function invalid(what: string, text: string, reason: string): DeltaError {
  return new DeltaError('DELTA_INVALID_ARGUMENT', `Invalid ${what} "${text}": ${reason}.`);
}
