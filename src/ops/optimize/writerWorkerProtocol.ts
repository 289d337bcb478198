import type { DeltaErrorCode } from '../../delta/errors';
import type { DataFileWriterOptions, WrittenFile } from '../../delta/write/dataFileWriter';

/*
 * Messages between a WriterThread (src/ops/optimize/writerThread.ts) and its worker
 * (src/ops/optimize/writerWorker.ts). Each data file writer in the worker is a session: open,
 * batches, finish (or abort), each message naming the session's id.
 */

/**
 * A DataFileWriter's options as they cross to the worker: everything but the store (the worker
 * opens a LocalFileStore on `root`), the signal (the calling side checks it) and the pool.
 */
export type WorkerWriterOptions = Omit<DataFileWriterOptions, 'store' | 'signal' | 'pool'> & { root: string };

export type WriterRequest =
  | { kind: 'open'; id: number; options: WorkerWriterOptions }
  /** One record batch as an Arrow IPC stream (its buffer transferred). */
  | { kind: 'batch'; id: number; ipc: Uint8Array }
  | { kind: 'finish'; id: number }
  /** Drop the open file and delete the files the session wrote. */
  | { kind: 'abort'; id: number };

export type WriterResponse =
  /** The writer took a batch: the caller may send more (backpressure). */
  | { kind: 'taken'; id: number }
  | { kind: 'finished'; id: number; files: WrittenFile[] }
  | { kind: 'aborted'; id: number }
  /** `code` when the writer raised a DeltaError, so the caller raises the same. */
  | { kind: 'failed'; id: number; message: string; code?: DeltaErrorCode };
