import { openTable, type TableLocation } from '../../delta/write/tableLocation';
import type { OptimizeResult } from './optimizePlan';
import { parseByteSize } from './optimizeOptions';
import { planOptimize } from './planOptimize';
import { runOptimize } from './runOptimize';
import type { ProgressCallback } from '../../util/progress';

/** The table property that turns auto-compaction on (Databricks' name; `true` or `auto`). */
export const AUTO_COMPACT_PROPERTY = 'delta.autoOptimize.autoCompact';
/** Output size of auto-compaction (Databricks: spark.databricks.delta.autoCompact.maxFileSize, 128 MB). */
export const AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY = 'delta.autoOptimize.autoCompact.maxFileSize';
/** Small files a partition must have before auto-compaction touches it (Databricks' minNumFiles default). */
export const DEFAULT_AUTO_COMPACT_MIN_FILES = 50;
const DEFAULT_AUTO_COMPACT_MAX_FILE_SIZE = 128 * 1024 * 1024;

export interface AutoCompactOptions {
  /** Overrides DEFAULT_AUTO_COMPACT_MIN_FILES. */
  minNumFiles?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/**
 * The post-write hook of auto-compaction: when the table has `delta.autoOptimize.autoCompact`
 * on, compacts the partitions that now hold at least `minNumFiles` small files (a small, local
 * OPTIMIZE recorded with `auto: true`); otherwise does nothing and returns undefined. Writers call
 * it after their commit. The engine's writeTable cannot call it itself: src/delta never imports
 * from src/ops, so the ops and front ends that write (import, ingest, CLI write) call it.
 */
export async function maybeAutoCompact(location: TableLocation, options: AutoCompactOptions = {}): Promise<OptimizeResult | undefined> {
  const table = await openTable(location);
  const snapshot = await table.snapshot();
  const setting = snapshot.properties[AUTO_COMPACT_PROPERTY]?.trim().toLowerCase();
  if (setting !== 'true' && setting !== 'auto') return undefined;
  const sizeText = snapshot.properties[AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY];
  const targetFileSize = sizeText === undefined ? DEFAULT_AUTO_COMPACT_MAX_FILE_SIZE : parseByteSize(sizeText, AUTO_COMPACT_MAX_FILE_SIZE_PROPERTY);
  const plan = await planOptimize(table, {
    targetFileSize,
    minFilesPerPartition: options.minNumFiles ?? DEFAULT_AUTO_COMPACT_MIN_FILES,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (plan.bins.length === 0) return undefined;
  return runOptimize(table, {
    plan, auto: true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
