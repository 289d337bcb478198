import type { PgConnectionOptions } from './pgConnect';
import type { BatchLimits } from './binaryCopyBatches';
import type { DataParts } from '../../arrow/transferableData';
import type { DeltaErrorCode } from '../../delta/errors';
import type { ColumnMappingMode, StructType } from '../../delta/schema';
import type { WrittenFile } from '../../delta/write/dataFileWriter';
import type { StatsOptions } from '../../delta/write/statsCollector';
import type { ValueDecoder } from './pgTypeMapping';

/**
 * What the COPY worker (pgCopyWorker.ts) is started with: its own connection into the snapshot
 * exported by the reader's transaction, the COPY statement, and how to decode each column.
 */
export interface CopyWorkerJob {
  connection: PgConnectionOptions;
  /** pg_export_snapshot() of the reader's open transaction: the worker sees exactly what it sees. */
  snapshotId: string;
  /** `COPY (SELECT …) TO STDOUT (FORMAT binary)`. */
  sql: string;
  deltaSchema: StructType;
  decoders: ValueDecoder[];
  limits: BatchLimits;
  /** Batches decoded ahead of the consumer before the worker stops reading the socket. */
  readAhead: number;
  /** What a failure says the copy was doing, e.g. `copying rows from "public"."items"`. */
  doing: string;
  /** When set, the worker writes the rows as data files of this table instead of posting batches. */
  files?: CopyWorkerFileTarget;
}

/**
 * An unpartitioned Delta table on the local file system, as a data file writer needs it (all
 * plain data: it crosses to the worker by structured clone). The caller's transaction commits the
 * files; the worker only writes them, checking the table's constraints as the caller's writer would.
 */
export interface CopyWorkerFileTarget {
  /** The table root (LocalFileStore.root). */
  root: string;
  /** The table's logical schema: the worker conforms its batches to it. */
  schema: StructType;
  columnMappingMode: ColumnMappingMode;
  /** The table's properties: its NOT NULL and CHECK constraints are checked in the worker. */
  properties: Record<string, string>;
  stats: StatsOptions;
  targetFileSize: number;
}

/** Worker -> reader. A batch is its columns' Arrow buffers, transferred (neither copied nor serialised). */
export type CopyWorkerMessage =
  /** The worker's session is about to connect: the reader's patience with a second session starts now. */
  | { kind: 'connecting' }
  /** Its session holds the reader's snapshot: the rows follow. */
  | { kind: 'ready' }
  | { kind: 'batch'; rows: number; columns: DataParts[] }
  /** With `files`: this many more rows are in the data files being written (for progress). */
  | { kind: 'written'; rows: number }
  /** With `files`: the data files written, for the caller's commit; sent before `end`. */
  | { kind: 'files'; files: WrittenFile[] }
  | { kind: 'end' }
  /** Every failure crosses as the DeltaError the reader throws (server errors through queryError). */
  | { kind: 'error'; code: DeltaErrorCode; message: string };

/** Reader -> worker: the reader took one batch, so one more may be decoded ahead. */
export interface CopyWorkerCredit { kind: 'credit' }

const KINDS = new Set(['connecting', 'ready', 'batch', 'written', 'files', 'end', 'error']);

export function isCopyWorkerMessage(value: unknown): value is CopyWorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  return KINDS.has(String((value as { kind?: unknown }).kind));
}
