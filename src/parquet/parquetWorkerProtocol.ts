import type { RowGroupRange } from './flatDecoder/rowGroupRange';
import type { TransferableTable } from './transferableTable';
import type { ParquetWriteOptions } from './writeParquet';

/*
 * Messages between the Parquet worker pool (src/parquet/parquetWorkerPool.ts) and its workers
 * (src/parquet/parquetWorker.ts). Decodes are one request, one answer; an encode is a session:
 * open, batches, finish (or abort), each message naming the session's id.
 */

/** Decode a Parquet file (or some row groups and columns of it) into an Arrow IPC stream. */
export interface DecodeRequest {
  kind: 'decode';
  id: number;
  /** The whole file; backed by a SharedArrayBuffer when the caller shared it, so it is not copied. */
  bytes: Uint8Array;
  /** Top-level column names (case-insensitive); the ones the file lacks are left out. All when omitted. */
  columns?: string[];
  rowGroups?: number[];
  batchSize: number;
}

/** Decode whole small files (back to back in `bytes`, file i ending at `ends[i]`) of one shape into one joined batch (decodeJoined). */
export interface DecodeFilesRequest {
  kind: 'decodeFiles';
  id: number;
  /** Transferred. */
  bytes: Uint8Array;
  ends: number[];
}

/** Decode some columns of one row group with the flat decoder from their chunks' bytes, read by range. */
export interface DecodeRangeRequest {
  kind: 'decodeRange';
  id: number;
  range: RowGroupRange;
  /** The file's bytes from `range.from` to `range.end` (transferred). */
  bytes: Uint8Array;
  batchSize: number;
  /**
   * The caller gives the table's buffers back (recycleTable): they come from the worker's recycled
   * ones. Otherwise fresh memory: a table never given back would take recycled buffers out of the pool for good.
   */
  recycled: boolean;
}

/** Buffers of a decodedMoved table that the caller is done with (transferred): for the next decodes. No answer. */
export interface RecycleBuffers { kind: 'recycle'; buffers: ArrayBufferLike[] }

/** Start encoding a Parquet file. */
export interface EncodeOpen { kind: 'encodeOpen'; id: number; options: ParquetWriteOptions }
/** One record batch of the file as an Arrow IPC stream (its buffer transferred). */
export interface EncodeBatch { kind: 'encodeBatch'; id: number; ipc: Uint8Array }
/** Close the file: the worker answers with its bytes. */
export interface EncodeFinish { kind: 'encodeFinish'; id: number }
/** Drop the file. No answer. */
export interface EncodeAbort { kind: 'encodeAbort'; id: number }

export type WorkerRequest = DecodeRequest | DecodeFilesRequest | DecodeRangeRequest | RecycleBuffers | EncodeOpen | EncodeBatch | EncodeFinish | EncodeAbort;

export type WorkerResponse =
  /** Sent once the worker has loaded, so a failure before it is not mistaken for a corrupt file. */
  | { kind: 'ready' }
  /** The decoded rows as an Arrow IPC stream (buffer transferred). */
  | { kind: 'decoded'; id: number; ipc: Uint8Array }
  /** The decoded rows of a decodeRange, their buffers transferred (no IPC copy). */
  /** `recyclable`: the table's column buffers that the caller may send back (RecycleBuffers) once done with its rows. */
  | { kind: 'decodedMoved'; id: number; table: TransferableTable; recyclable: ArrayBufferLike[] }
  | { kind: 'decodeFailed'; id: number; error: string }
  /** The encoder took a batch: the pool may send another (backpressure). */
  | { kind: 'encodeTaken'; id: number }
  /** The finished file (buffer transferred). */
  | { kind: 'encoded'; id: number; bytes: Uint8Array }
  | { kind: 'encodeFailed'; id: number; error: string };
