/**
 * The contract between bench/postgresRun.ts and its children (ours and raw COPY:
 * bench/postgresChild.ts; delta-rs: scripts/bench-postgres-peer.py). A job goes in as one JSON
 * argument; one JSON line comes back on stdout.
 */
export type PostgresBenchJob =
  /**
   * `COPY (SELECT …) TO STDOUT (FORMAT binary)` read through pg and discarded: the physical limit,
   * read by our copyOut (what the snapshot uses) or by pg-copy-streams (the reference before it).
   */
  | { op: 'copy'; url: string; table: string; reader: 'copyOut' | 'pg-copy-streams' }
  /** ingestPostgresSnapshot of the table into a new Delta table at `target`. */
  | { op: 'snapshot'; url: string; table: string; target: string };

export interface PostgresChildResult {
  /** Time of the operation alone, after imports. */
  ms: number;
  /** CPU time (user + system, all threads) of the child during the operation (the server's is not counted). */
  cpuMs: number;
  /** Rows written (snapshot; the raw COPY parses no row, so it reports none). */
  rows?: number;
  /** Bytes received from the server (copy) or written as data files (snapshot). */
  bytes: number;
  peakKiB: number;
}

export function isPostgresChildResult(value: unknown): value is PostgresChildResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return ['ms', 'cpuMs', 'bytes', 'peakKiB'].every((key) => typeof record[key] === 'number')
    && (record.rows === undefined || typeof record.rows === 'number');
}
