import type { PgConnectionOptions } from './pgConnect';
import type { BatchLimits } from './binaryCopyBatches';
import type { DataParts } from '../../arrow/transferableData';
import type { DeltaErrorCode } from '../../delta/errors';
import type { StructType } from '../../delta/schema';
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
}

/** Worker -> reader. A batch is its columns' Arrow buffers, transferred (neither copied nor serialised). */
export type CopyWorkerMessage =
  /** The worker's session is about to connect: the reader's patience with a second session starts now. */
  | { kind: 'connecting' }
  /** Its session holds the reader's snapshot: the rows follow. */
  | { kind: 'ready' }
  | { kind: 'batch'; rows: number; columns: DataParts[] }
  | { kind: 'end' }
  /** Every failure crosses as the DeltaError the reader throws (server errors through queryError). */
  | { kind: 'error'; code: DeltaErrorCode; message: string };

/** Reader -> worker: the reader took one batch, so one more may be decoded ahead. */
export interface CopyWorkerCredit { kind: 'credit' }

export function isCopyWorkerMessage(value: unknown): value is CopyWorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'connecting' || kind === 'ready' || kind === 'batch' || kind === 'end' || kind === 'error';
}
