/** A decode request sent to a Parquet worker (src/parquet/parquetWorker.ts). */
export interface DecodeRequest {
  id: number;
  /** The whole file; backed by a SharedArrayBuffer when the caller shared it, so it is not copied. */
  bytes: Uint8Array;
  /** Top-level column names (any case); the ones the file lacks are left out. All when omitted. */
  columns?: string[];
  rowGroups?: number[];
  batchSize: number;
}

/** A worker's answer: the decoded rows as an Arrow IPC stream, or why they could not be decoded. */
export type DecodeResponse = { id: number; ipc: Uint8Array } | { id: number; error: string };

/** Sent once the worker has loaded, so a failure before it is not mistaken for a corrupt file. */
export interface WorkerReady { ready: true }
