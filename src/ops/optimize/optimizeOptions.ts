import { DeltaError } from '../../delta/errors';
import type { ProgressCallback } from '../../util/progress';

export interface OptimizeOptions {
  /** Z-order by these top-level, non-partition columns; plain compaction when empty. */
  zOrderBy?: readonly string[];
  /** A predicate on partition columns only: just those partitions are optimized. */
  where?: string;
  /** Overrides `delta.targetFileSize` (default 128 MiB). */
  targetFileSize?: number;
  /** Bytes of Arrow data the operation may hold at once (default 512 MiB). */
  memoryBudget?: number;
  /** Files with a larger fraction of deleted rows are rewritten even alone (default 0.1). */
  deletedRowsThreshold?: number;
  /** Rows sampled per partition for Z-order range ids and the skipping prediction (default 65,536). */
  sampleRows?: number;
  /** Probe predicates per column and kind in the skipping prediction (default 50). */
  probes?: number;
  /** Only partitions with at least this many small files (auto-compaction's trigger). */
  minFilesPerPartition?: number;
  /** What counts as small for minFilesPerPartition (default: under the target size). */
  smallFileSize?: number;
  /** Only these partitions, by their partition values as the log writes them (auto-compaction's touched partitions). */
  partitions?: ReadonlyArray<Readonly<Record<string, string | null>>>;
  /**
   * Decode runs of small files in the Parquet worker pool as well as on the calling thread: faster
   * on two or more cores, but the worker costs about 100 MiB more memory. Off by default.
   */
  parallelDecode?: boolean;
  /**
   * Write the output files in a worker thread (encoding, statistics, storing) while this thread
   * reads and sorts the next rows. Default: on for runs rewriting 8 MiB or more of a local table.
   */
  writerThread?: boolean;
  /** Directory for Z-order spill files (default: the OS temp dir). */
  spillDirectory?: string;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;
export const DEFAULT_DELETED_ROWS_THRESHOLD = 0.1;
export const DEFAULT_SAMPLE_ROWS = 65_536;
export const DEFAULT_PROBES = 50;

const SIZE_TEXT = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** A size as people write it: `134217728`, `128mb`, `512MiB`, `1g` (binary units, as Spark reads them). */
export function parseByteSize(text: string, what: string): number {
  const m = SIZE_TEXT.exec(text.trim());
  const bytes = m ? Math.floor(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1)) : NaN;
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT', `${what} must be a positive size such as 134217728, 128mb or 512MiB, not "${text}".`);
  }
  return bytes;
}
