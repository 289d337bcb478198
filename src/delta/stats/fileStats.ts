import { physicalName, isRecord, type ColumnMappingMode, type StructType } from '../schema';
import type { NonNullValue } from '../predicate/typedValue';
import { parseStatsJson } from './statsJson';
import { toCount, toStatValue } from './statValue';

/**
 * Per-file column statistics ("Per-file Statistics" in PROTOCOL.md), addressed by LOGICAL column
 * path and typed like predicate literals. Values are exactly what the writer recorded: callers
 * that skip files must widen them (timestamps truncated to milliseconds, string prefixes, NaN),
 * as skipping.ts does.
 */
export interface FileStats {
  readonly numRecords: number;
  /** False when the bounds may be wider than the live rows (e.g. after deletion vectors). */
  readonly tightBounds: boolean | undefined;
  min(path: readonly string[]): NonNullValue | undefined;
  max(path: readonly string[]): NonNullValue | undefined;
  nullCount(path: readonly string[]): number | undefined;
}

interface ColumnStats { min?: NonNullValue; max?: NonNullValue; nullCount?: number }

class ParsedFileStats implements FileStats {
  constructor(
    readonly numRecords: number,
    readonly tightBounds: boolean | undefined,
    private readonly columns: ReadonlyMap<string, ColumnStats>,
  ) {}

  min(path: readonly string[]): NonNullValue | undefined {
    return this.columns.get(pathKey(path))?.min;
  }

  max(path: readonly string[]): NonNullValue | undefined {
    return this.columns.get(pathKey(path))?.max;
  }

  nullCount(path: readonly string[]): number | undefined {
    return this.columns.get(pathKey(path))?.nullCount;
  }
}

/**
 * Parses `add.stats`, whose column keys are PHYSICAL names (column mapping) nested like the
 * schema's structs. Undefined when there are no usable statistics (absent, or no numRecords).
 */
export function parseFileStats(json: string | null | undefined, schema: StructType, mode: ColumnMappingMode): FileStats | undefined {
  if (json === null || json === undefined || json === '') return undefined;
  return fileStatsFromParsed(parseStatsJson(json), schema, mode);
}

/**
 * The same from a checkpoint's `stats_parsed` struct given as a plain object of the same shape,
 * whose values may already be typed (see toStatValue for the accepted forms).
 */
export function fileStatsFromParsed(stats: unknown, schema: StructType, mode: ColumnMappingMode): FileStats | undefined {
  if (!isRecord(stats)) return undefined;
  const numRecords = toCount(stats.numRecords);
  if (numRecords === undefined) return undefined;
  const columns = new Map<string, ColumnStats>();
  collect(schema, [], stats.minValues, stats.maxValues, stats.nullCount, mode, columns);
  const tightBounds = typeof stats.tightBounds === 'boolean' ? stats.tightBounds : undefined;
  return new ParsedFileStats(numRecords, tightBounds, columns);
}

function collect(
  struct: StructType,
  path: string[],
  minValues: unknown,
  maxValues: unknown,
  nullCounts: unknown,
  mode: ColumnMappingMode,
  into: Map<string, ColumnStats>,
): void {
  for (const field of struct.fields) {
    const key = physicalName(field, mode);
    const child = (values: unknown): unknown => (isRecord(values) ? values[key] : undefined);
    const fieldPath = [...path, field.name];
    if (field.type.kind === 'struct') {
      collect(field.type, fieldPath, child(minValues), child(maxValues), child(nullCounts), mode, into);
      continue;
    }
    const stats: ColumnStats = {};
    const min = toStatValue(child(minValues), field.type, 'min');
    const max = toStatValue(child(maxValues), field.type, 'max');
    const nullCount = toCount(child(nullCounts));
    if (min !== undefined) stats.min = min;
    if (max !== undefined) stats.max = max;
    if (nullCount !== undefined) stats.nullCount = nullCount;
    if (min !== undefined || max !== undefined || nullCount !== undefined) into.set(pathKey(fieldPath), stats);
  }
}

function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}
