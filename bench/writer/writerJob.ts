/**
 * The contract between bench/writerRun.ts and its children (ours: bench/writer/writerChild.ts,
 * delta-rs: scripts/bench-writer-peer.py). A job goes in as one JSON argument; one JSON line comes back.
 */

export type WriterJob =
  /** Write `rows` generated rows (writerData.ts) into a new table at `table`. */
  | ({ op: 'append'; table: string; rows: number } & PeerCodec)
  /** Upsert the generated MERGE source (`sourceRows` rows, 1% matching) on `id` into the table of `targetRows` rows. */
  | ({ op: 'merge'; table: string; targetRows: number; sourceRows: number } & PeerCodec)
  | ({ op: 'delete'; table: string; where: string; deletionVectors: boolean } & PeerCodec)
  /** Verification: all rows of the table, and the rows matching `where`. */
  | { op: 'count'; table: string; where: string };

/**
 * delta-rs only: the codec of its `WriterProperties(compression=...)` (at that codec's default level,
 * ZSTD level 1 as arrow-rs and so ours); its own default codec when omitted. Ours always writes ZSTD.
 */
export interface PeerCodec { compression?: 'ZSTD' }

export interface WriterChildResult {
  /** Time of the operation alone, from table path to committed version; input generation excluded. */
  ms: number;
  /** User + system time of the operation, all threads. */
  cpuMs: number;
  /** Ours only: the main thread's share of cpuMs (the rest is ZSTD on libuv's threads, GC helpers, workers). */
  mainCpuMs?: number;
  /** VmRSS just before the operation: runtime, libraries and the generated input in memory. */
  baselineKiB: number;
  /** VmHWM right after the operation: the peak resident set of the whole child. */
  peakKiB: number;
  rowsAdded?: number;
  rowsUpdated?: number;
  rowsInserted?: number;
  rowsDeleted?: number;
  /** count jobs. */
  rows?: number;
  matching?: number;
}

const COUNTS = ['rowsAdded', 'rowsUpdated', 'rowsInserted', 'rowsDeleted', 'rows', 'matching'] as const;

export function isWriterChildResult(value: unknown): value is WriterChildResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['ms', 'cpuMs', 'baselineKiB', 'peakKiB'].every((key) => typeof record[key] === 'number')
    && (record.mainCpuMs === undefined || typeof record.mainCpuMs === 'number')
    && COUNTS.every((key) => record[key] === undefined || typeof record[key] === 'number');
}

export function isWriterJob(value: unknown): value is WriterJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Record<string, unknown>;
  if (typeof job.table !== 'string') return false;
  if (job.compression !== undefined && job.compression !== 'ZSTD') return false;
  switch (job.op) {
    case 'append': return typeof job.rows === 'number';
    case 'merge': return typeof job.targetRows === 'number' && typeof job.sourceRows === 'number';
    case 'delete': return typeof job.where === 'string' && typeof job.deletionVectors === 'boolean';
    case 'count': return typeof job.where === 'string';
    default: return false;
  }
}
