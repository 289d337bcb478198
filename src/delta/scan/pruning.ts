import type { RecordBatch } from 'apache-arrow';
import type { AddFile } from '../actions';
import type { Predicate } from '../predicate/ast';
import { evaluatePredicate } from '../predicate/evaluatePredicate';
import type { TypedValue } from '../predicate/typedValue';
import type { StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { fileStatsFromParsed, parseFileStats, type FileStats } from '../stats/fileStats';
import { typedPartitionValues } from '../stats/partitionValue';
import { canSkipFile } from '../stats/skipping';

/** Whether a file may hold rows matching the predicate (false only when provably none do). */
export function fileMatchesStats(predicate: Predicate, file: AddFile, snapshot: Snapshot): boolean {
  return !canSkipFile(predicate, { stats: fileStatsOf(file, snapshot), partitionValues: filePartitionValues(file, snapshot) }, snapshot.schema);
}

/**
 * Parsed statistics are kept per add action (actions belong to one snapshot, so one schema): a
 * table browsed with several filters parses each file's stats JSON once.
 */
const parsedStats = new WeakMap<AddFile, FileStats | undefined>();

/** A file's parsed statistics (logical column paths), undefined when it has none. */
export function fileStatsOf(file: AddFile & { stats_parsed?: unknown }, snapshot: Snapshot): FileStats | undefined {
  if (parsedStats.has(file)) return parsedStats.get(file);
  const mode = snapshot.columnMappingMode;
  const stats = file.stats
    ? parseFileStats(file.stats, snapshot.schema, mode)
    : file.stats_parsed ? fileStatsFromParsed(file.stats_parsed, snapshot.schema, mode) : undefined;
  parsedStats.set(file, stats);
  return stats;
}

/** The typed partition values of a file, by logical column name. */
export function filePartitionValues(file: AddFile, snapshot: Snapshot): Record<string, TypedValue> {
  return typedPartitionValues(file.partitionValues ?? {}, snapshot.schema, snapshot.partitionColumns, snapshot.columnMappingMode);
}

/** 1 for each row of the batch that matches the predicate. */
export function rowMask(predicate: Predicate, batch: RecordBatch, schema: StructType): Uint8Array {
  return evaluatePredicate(predicate, batch, schema);
}
