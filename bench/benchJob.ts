/**
 * The contract between bench/run.ts and its child processes (ours: bench/oursChild.ts, delta-rs:
 * scripts/bench-peer.py). A job goes in as one JSON argument; one JSON line comes back on stdout.
 */

/** `key >= min AND key < maxExclusive` on one long column: the selective-scan predicate of case (d). */
export interface KeyRange { column: string; min: number; maxExclusive: number }

export type BenchJob =
  | { op: 'load'; path: string }
  | { op: 'scan'; path: string; range?: KeyRange };

export interface ChildResult {
  /** Time of the operation alone, from table path to the last batch, after imports. */
  ms: number;
  /** CPU time (user + system, all threads) of the operation: steadier than `ms` on a busy machine. */
  cpuMs: number;
  /** Active files in the snapshot. */
  files: number;
  /** Rows returned by a scan. */
  rows?: number;
  /** Data files a scan opened (after partition pruning and stats skipping). */
  filesRead?: number;
  /** VmRSS just before the operation (runtime and libraries loaded). */
  baselineKiB: number;
  /** VmHWM right after the operation: the peak resident set of the whole child. */
  peakKiB: number;
}

export function isChildResult(value: unknown): value is ChildResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['ms', 'cpuMs', 'files', 'baselineKiB', 'peakKiB'].every((key) => typeof record[key] === 'number')
    && ['rows', 'filesRead'].every((key) => record[key] === undefined || typeof record[key] === 'number');
}

export function rangePredicate(range: KeyRange): string {
  return `${range.column} >= ${range.min} AND ${range.column} < ${range.maxExclusive}`;
}
