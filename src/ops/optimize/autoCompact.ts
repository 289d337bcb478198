import type { AddFile } from '../../delta/actions';
import { DeltaError, isDeltaError } from '../../delta/errors';
import { withPostCommitHook, type CommittedVersion } from '../../delta/transaction/postCommitHooks';
import type { TableLocation } from '../../delta/write/tableLocation';
import type { ObjectStore } from '../../storage/objectStore';
import type { ProgressCallback } from '../../util/progress';
import type { OptimizeResult } from './optimizePlan';
import { parseByteSize } from './optimizeOptions';
import { partitionKey } from './partitionKey';

/** The table property that turns auto-compaction on (Databricks' name; `true` or `auto`). */
export const AUTO_COMPACT_PROPERTY = 'delta.autoOptimize.autoCompact';
/** Output size of auto-compaction (Delta's spark.databricks.delta.autoCompact.maxFileSize, 128 MiB). */
export const AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY = 'delta.autoOptimize.autoCompact.maxFileSize';
/** Small files a partition must have before auto-compaction touches it (Delta's autoCompact.minNumFiles). */
export const AUTO_COMPACT_MIN_NUM_FILES_PROPERTY = 'delta.autoOptimize.autoCompact.minNumFiles';
export const DEFAULT_AUTO_COMPACT_MIN_FILES = 50;
const DEFAULT_AUTO_COMPACT_MAX_FILE_SIZE = 128 * 1024 * 1024;
/** Delta's autoCompact.maxNumModifiedPartitions: one write never triggers more than this much work. */
const MAX_PARTITIONS_PER_COMPACTION = 128;

export interface AutoCompactOptions {
  /** Overrides the table's minNumFiles property and DEFAULT_AUTO_COMPACT_MIN_FILES. */
  minNumFiles?: number;
  /** Only these partitions (partition values as in the log): those a write touched. */
  partitions?: ReadonlyArray<Readonly<Record<string, string | null>>>;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** A write's own result, and the auto-compactions it triggered. */
export interface AutoCompacted<T> {
  result: T;
  /** One per table whose touched partitions were compacted; empty when none needed it. */
  autoCompactions: OptimizeResult[];
}

/**
 * Compacts a table the way Delta's auto-compaction does, when `delta.autoOptimize.autoCompact` is
 * on: the (given) partitions holding at least minNumFiles (50) files under half of maxFileSize
 * (Delta's autoCompact.minFileSize default) are bin-packed into maxFileSize (128 MiB) files, in
 * one OPTIMIZE commit recorded with `auto: true` and dataChange=false. Otherwise does nothing and
 * returns undefined.
 */
export async function maybeAutoCompact(location: TableLocation, options: AutoCompactOptions = {}): Promise<OptimizeResult | undefined> {
  // Loaded here, not at the top: every CLI command runs under withAutoCompaction, and the table
  // reader and the compaction bring the Parquet decoders and encoder, which most never need.
  const [{ openTable }, { planOptimize }, { runOptimize }] = await Promise.all([
    import('../../delta/write/tableLocation'), import('./planOptimize'), import('./runOptimize'),
  ]);
  const table = await openTable(location);
  const snapshot = await table.snapshot();
  if (!autoCompactOn(snapshot.properties)) return undefined;
  const sizeText = snapshot.properties[AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY];
  const targetFileSize = sizeText === undefined ? DEFAULT_AUTO_COMPACT_MAX_FILE_SIZE : parseByteSize(sizeText, AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY);
  const minText = snapshot.properties[AUTO_COMPACT_MIN_NUM_FILES_PROPERTY];
  const minNumFiles = options.minNumFiles ?? (minText === undefined ? DEFAULT_AUTO_COMPACT_MIN_FILES : Number(minText));
  if (!Number.isInteger(minNumFiles) || minNumFiles < 1) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `${AUTO_COMPACT_MIN_NUM_FILES_PROPERTY} must be a positive whole number, not "${minText}".`);
  }
  const plan = await planOptimize(table, {
    targetFileSize,
    smallFileSize: Math.floor(targetFileSize / 2),
    minFilesPerPartition: minNumFiles,
    ...(options.partitions ? { partitions: options.partitions.slice(0, MAX_PARTITIONS_PER_COMPACTION) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (plan.bins.length === 0) return undefined;
  return runOptimize(table, {
    plan, auto: true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/**
 * Runs a write (writeTable, MERGE, UPDATE, DELETE, an import, an ingest batch: anything that
 * commits through a Transaction) and then auto-compacts, in every table it committed to with
 * auto-compaction on, the partitions its commits added data files to. The write's commits are
 * seen through a post-commit hook (src/delta/transaction/postCommitHooks.ts), so the engine never
 * imports this layer. A compaction that loses a race with another writer is dropped: the write
 * stands, and the next write tries again.
 */
export async function withAutoCompaction<T>(write: () => Promise<T>, options: Omit<AutoCompactOptions, 'partitions'> = {}): Promise<AutoCompacted<T>> {
  const touched = new Map<string, { store: ObjectStore; partitions: Map<string, Record<string, string | null>> }>();
  const result = await withPostCommitHook((commit) => noteTouchedPartitions(commit, touched), write);
  const autoCompactions: OptimizeResult[] = [];
  for (const { store, partitions } of touched.values()) {
    try {
      const compacted = await maybeAutoCompact(store, { ...options, partitions: [...partitions.values()] });
      if (compacted) autoCompactions.push(compacted);
    } catch (error) {
      if (!isDeltaError(error, 'DELTA_CONCURRENT_MODIFICATION')) throw error;
    }
  }
  return { result, autoCompactions };
}

function noteTouchedPartitions(
  commit: CommittedVersion,
  touched: Map<string, { store: ObjectStore; partitions: Map<string, Record<string, string | null>> }>,
): void {
  if (!autoCompactOn(commit.configuration)) return;
  // Compactions themselves (ours or anyone's) never trigger another one.
  if (commit.actions[0]?.commitInfo?.operation === 'OPTIMIZE') return;
  const adds = commit.actions.flatMap((a): AddFile[] => (a.add && a.add.dataChange ? [a.add] : []));
  if (adds.length === 0) return;
  let table = touched.get(commit.store.root);
  if (!table) {
    table = { store: commit.store, partitions: new Map() };
    touched.set(commit.store.root, table);
  }
  for (const add of adds) {
    const values = add.partitionValues ?? {};
    table.partitions.set(partitionKey(values), values);
  }
}

function autoCompactOn(properties: Readonly<Record<string, string>>): boolean {
  const setting = properties[AUTO_COMPACT_PROPERTY]?.trim().toLowerCase();
  return setting === 'true' || setting === 'auto';
}
