import { findField, type StructType } from '../schema';
import type { ColumnRef, ComparisonOp, Predicate } from '../predicate/ast';
import { evaluateAtom, type Atom } from '../predicate/evaluateScalar';
import { negationNormalForm, type NormalizedPredicate } from '../predicate/negationNormalForm';
import { compareValues, type NonNullValue, type TypedValue } from '../predicate/typedValue';
import type { FileStats } from './fileStats';

/** A file as data skipping sees it: statistics, and partition values typed and keyed by logical name. */
export interface SkippableFile {
  stats?: FileStats | undefined;
  partitionValues: Readonly<Record<string, TypedValue>>;
}

/** Spark's default `dataSkippingStringPrefixLength`: string min/max are cut to this many characters. */
export const STRING_STATS_PREFIX_LENGTH = 32;
/** Spark writes timestamp statistics in milliseconds, truncating the microseconds. */
const TIMESTAMP_STATS_SLACK_MICROS = 999n;

/**
 * True only when NO row of the file can satisfy the predicate (it may still be false when none
 * does). Partition columns are decided exactly; other columns use min/max/nullCount, widened where
 * writers lose precision; a column without statistics never lets a file be skipped. NOT is first
 * pushed down to the atoms, which three-valued logic allows exactly.
 */
export function canSkipFile(predicate: Predicate, file: SkippableFile, schema: StructType): boolean {
  return !mayMatch(negationNormalForm(predicate), file, schema);
}

function mayMatch(predicate: NormalizedPredicate, file: SkippableFile, schema: StructType): boolean {
  switch (predicate.kind) {
    case 'and':
      return mayMatch(predicate.left, file, schema) && mayMatch(predicate.right, file, schema);
    case 'or':
      return mayMatch(predicate.left, file, schema) || mayMatch(predicate.right, file, schema);
    default: {
      // A predicate parsed against another schema (the column changed type) proves nothing here.
      if (!sameColumn(schema, predicate.column)) return true;
      const path = predicate.column.path;
      if (path.length === 1 && Object.hasOwn(file.partitionValues, path[0]!)) {
        return evaluateAtom(predicate, file.partitionValues[path[0]!] ?? null) === true;
      }
      return file.stats === undefined || atomMayMatch(predicate, file.stats);
    }
  }
}

function atomMayMatch(atom: Atom, stats: FileStats): boolean {
  const path = atom.column.path;
  if (stats.numRecords === 0) return false;
  // "Per-file Statistics" in PROTOCOL.md: with deletion vectors numRecords counts physical rows and
  // nullCount keeps exactly these two meanings even when bounds are wide (tightBounds=false):
  // 0 means no valid row is null, numRecords means every valid row is.
  const nullCount = stats.nullCount(path);
  const allNull = nullCount !== undefined && nullCount >= stats.numRecords;
  if (atom.kind === 'isNull') return atom.negated ? !allNull : nullCount === undefined || nullCount > 0;
  // Comparisons and IN are never true on NULL, neither the column's nor the literal's.
  if (allNull) return false;
  const range = valueRange(atom.column, stats);
  if (atom.kind === 'comparison') return atom.value !== null && mayHold(atom.op, atom.value, range);
  if (atom.negated) {
    return atom.values.every((v) => v !== null && mayHold('!=', v, range));
  }
  return atom.values.some((v) => v !== null && mayHold('=', v, range));
}

/** What the non-null values of a column may be, from its statistics. */
interface ValueRange {
  low?: NonNullValue;
  high?: NonNullValue;
  /** Whether values may equal `high` (false: all values are strictly below it). */
  highInclusive: boolean;
}

function valueRange(column: ColumnRef, stats: FileStats): ValueRange {
  const low = stats.min(column.path);
  let high = stats.max(column.path);
  let highInclusive = true;
  const type = column.type;
  if (type.kind === 'primitive') {
    switch (type.name) {
      // float/double bounds are taken as they are, in Spark's order where NaN is above every
      // number, as Spark's data skipping and delta-kernel-rs do: a file with a NaN has max "NaN"
      // (Spark's stats collection aggregates with that order), which keeps it for `> v`; a
      // finite max proves there is none. Writers must record it so: Delta's CONVERT drops footer
      // float bounds of writers that leave NaN out (delta-io/delta#7101), and so does ours.
      case 'timestamp':
      case 'timestamp_ntz':
        if (typeof high === 'bigint') high += TIMESTAMP_STATS_SLACK_MICROS;
        break;
      case 'string':
        if (typeof high === 'string' && codePointLength(high) >= STRING_STATS_PREFIX_LENGTH) {
          // Possibly a truncated prefix: every value starts with (or sorts below) it, so they all
          // sort below the prefix's successor.
          high = prefixSuccessor(high, STRING_STATS_PREFIX_LENGTH);
          highInclusive = false;
        }
        break;
      default:
        break;
    }
  }
  return { ...(low !== undefined && { low }), ...(high !== undefined && { high }), highInclusive };
}

/** Whether some value in `range` can satisfy `value op literal`. */
function mayHold(op: ComparisonOp, literal: NonNullValue, range: ValueRange): boolean {
  const { low, high, highInclusive } = range;
  const lowAtMost = (strict: boolean): boolean => low === undefined || (strict ? compareValues(low, literal) < 0 : compareValues(low, literal) <= 0);
  const highAbove = (strict: boolean): boolean => {
    if (high === undefined) return true;
    const order = compareValues(literal, high);
    return strict || !highInclusive ? order < 0 : order <= 0;
  };
  switch (op) {
    case '=': return lowAtMost(false) && highAbove(false);
    case '<': return lowAtMost(true);
    case '<=': return lowAtMost(false);
    case '>': return highAbove(true);
    case '>=': return highAbove(false);
    case '!=':
      return low === undefined || high === undefined || !highInclusive
        || compareValues(low, literal) !== 0 || compareValues(high, literal) !== 0;
  }
}

function sameColumn(schema: StructType, column: ColumnRef): boolean {
  const field = findField(schema, column.path);
  return field !== undefined && JSON.stringify(field.type) === JSON.stringify(column.type);
}

function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff) n++;
  }
  return n;
}

/** The smallest string above every string starting with the first `length` code points of `text`. */
function prefixSuccessor(text: string, length: number): string | undefined {
  const points = Array.from(text).slice(0, length).map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return undefined;
}
