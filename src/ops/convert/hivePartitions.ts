import { DeltaError } from '../../delta/errors';
import { parseDate } from '../../delta/predicate/temporal';
import { primitive, type DataType } from '../../delta/schema';
import { HIVE_DEFAULT_PARTITION } from '../../delta/write/partitionDirectory';

export interface PartitionedPath {
  /** Partition columns in directory order, e.g. ['year', 'region']. */
  columns: string[];
  /** Unescaped values by column; null for __HIVE_DEFAULT_PARTITION__ (and an empty value, as Spark reads it). */
  values: Record<string, string | null>;
}

/**
 * The `key=value` directories of a file's relative path, Hive-unescaped (`%3A` is ':'). Directories
 * that are not `key=value` are refused: Spark would not read the file as part of the table.
 */
export function parsePartitionedPath(relativePath: string): PartitionedPath {
  const segments = relativePath.split('/').slice(0, -1);
  const columns: string[] = [];
  const values: Record<string, string | null> = {};
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    if (eq <= 0) {
      throw new DeltaError('DELTA_INVALID_ARGUMENT',
        `${relativePath} is in directory "${segment}", which is not a key=value partition directory. Move the file out, or convert the folder that holds only the table.`);
    }
    const column = unescapePathName(segment.slice(0, eq));
    const raw = unescapePathName(segment.slice(eq + 1));
    if (Object.hasOwn(values, column)) throw new DeltaError('DELTA_INVALID_ARGUMENT', `${relativePath} names partition column "${column}" twice.`);
    columns.push(column);
    values[column] = raw === HIVE_DEFAULT_PARTITION || raw === '' ? null : raw;
  }
  return { columns, values };
}

/** Reverses Hive's FileUtils.escapePathName: `%XX` (two hex digits) is the byte XX; anything else stays. */
export function unescapePathName(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const INT = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The narrowest type all non-null values of a partition column parse as, in Spark's order of
 * inference: integer, long, double, date, else string. A column of only nulls is a string.
 */
export function inferPartitionType(values: Iterable<string | null>): DataType {
  const candidates = new Set(['integer', 'long', 'double', 'date']);
  let sawValue = false;
  for (const value of values) {
    if (value === null) continue;
    sawValue = true;
    if (!INT.test(value)) {
      candidates.delete('integer');
      candidates.delete('long');
    } else {
      const n = BigInt(value);
      if (n < INT32_MIN || n > INT32_MAX) candidates.delete('integer');
      if (n < INT64_MIN || n > INT64_MAX) candidates.delete('long');
    }
    if (!DOUBLE.test(value)) candidates.delete('double');
    if (!isDate(value)) candidates.delete('date');
    if (candidates.size === 0) break;
  }
  if (!sawValue) return primitive('string');
  for (const name of ['integer', 'long', 'double', 'date'] as const) if (candidates.has(name)) return primitive(name);
  return primitive('string');
}

/**
 * The log form of a partition value of `type` ("Partition Value Serialization" in PROTOCOL.md),
 * or an explanation of why the directory value is not of that type.
 */
export function normalizePartitionValue(value: string, type: DataType): { value: string } | { error: string } {
  const bad = (expected: string): { error: string } => ({ error: `"${value}" is not ${expected}` });
  if (type.kind === 'decimal') {
    return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) ? { value } : bad(`a decimal`);
  }
  if (type.kind !== 'primitive') return bad('a primitive value');
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      if (!INT.test(value)) return bad(`an integer (${type.name})`);
      const bits = { byte: 8n, short: 16n, integer: 32n, long: 64n }[type.name];
      const n = BigInt(value);
      const limit = 2n ** (bits - 1n);
      return n < -limit || n >= limit ? bad(`within the range of ${type.name}`) : { value: n.toString() };
    }
    case 'float':
    case 'double':
      return DOUBLE.test(value) || /^(NaN|[+-]?Infinity)$/.test(value) ? { value } : bad(`a number (${type.name})`);
    case 'boolean': {
      const lower = value.toLowerCase();
      return lower === 'true' || lower === 'false' ? { value: lower } : bad('true or false');
    }
    case 'date':
      return isDate(value) ? { value } : bad('a date YYYY-MM-DD');
    case 'timestamp':
    case 'timestamp_ntz':
      return /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/.test(value) ? { value: value.replace('T', ' ') } : bad('a timestamp YYYY-MM-DD HH:MM:SS[.ffffff]');
    case 'string':
    case 'binary':
      return { value };
    case 'variant':
      return bad('a primitive value');
  }
}

/** A calendar date that exists (Date.parse would roll 2024-02-30 over to March). */
function isDate(value: string): boolean {
  return DATE.test(value) && parseDate(value) !== undefined;
}
