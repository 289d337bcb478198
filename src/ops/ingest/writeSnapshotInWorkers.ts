import type { PgSnapshotReader } from '../../connectors/postgres/pgSnapshotReader';
import type { CopyWorkerFileTarget } from '../../connectors/postgres/copyWorkerProtocol';
import { toArrowSchema } from '../../delta/arrowSchema';
import type { CommitOperation } from '../../delta/transaction/commitInfo';
import { startCreateTable } from '../../delta/transaction/createTable';
import { Transaction } from '../../delta/transaction/transaction';
import { addActionOf, DEFAULT_TARGET_FILE_SIZE } from '../../delta/write/dataFileWriter';
import { evolveSchema } from '../../delta/write/evolveSchema';
import { stageRemoveAll } from '../../delta/write/stageRemoveAll';
import { statsOptionsFromProperties } from '../../delta/write/statsCollector';
import { openIfExists, storeOf } from '../../delta/write/tableLocation';
import type { WriteTableOptions } from '../../delta/write/writeTable';
import type { WriteSummary } from '../../delta/write/writeSummary';
import { flatColumns } from '../../parquet/flatEncoder/flatParquetEncoder';
import { LocalFileStore } from '../../storage/localFileStore';

/** What writeTable takes that a snapshot ingest uses. */
export type SnapshotWriteOptions = Pick<WriteTableOptions, 'schema' | 'partitionBy' | 'mergeSchema' | 'properties' | 'txn' | 'signal' | 'onProgress'> & {
  mode: 'overwrite' | 'append';
};

/**
 * The snapshot written by the reader's COPY workers, each encoding its own data files
 * (PgSnapshotReader.writeFiles), and committed here in one transaction as writeTable commits its
 * own (same schema evolution, txn, overwrite and commit info; the workers check the constraints).
 * Undefined, with nothing read or written, where that path does not apply; the caller then runs
 * writeTable over reader.batches(), where this thread encodes every file:
 * - a partitioned table (the workers write unpartitioned files only);
 * - a schema the flat Parquet encoder cannot write (nested columns): in a worker the writer would
 *   fall back to parquet-wasm, loaded once more per worker;
 * - a table outside the local file system, or with its own `delta.targetFileSize` (the worker is
 *   given the writer's settings as plain data and does not parse the property itself);
 * - whatever PgSnapshotReader.writeFiles turns down (a small table, a query, one session).
 */
export async function writeSnapshotInWorkers(location: string, reader: PgSnapshotReader, options: SnapshotWriteOptions): Promise<WriteSummary | undefined> {
  const source = reader.schema.deltaSchema;
  const arrowFields = toArrowSchema(source).fields;
  const store = storeOf(location);
  if ((options.partitionBy ?? []).length > 0 || !(store instanceof LocalFileStore)) return undefined;
  const existing = await openIfExists(location);
  const tx = existing ? await Transaction.start(existing) : await startCreateTable(store, { schema: options.schema ?? source, partitionColumns: [], properties: options.properties ?? {} });
  if (tx.partitionColumns.length > 0) return undefined;
  if (existing) evolveSchema(tx, arrowFields, options.mergeSchema ?? false);
  if (!flatColumns(toArrowSchema(tx.schema)) || tx.properties['delta.targetFileSize'] !== undefined) return undefined;
  if (options.txn) {
    const done = tx.txnVersion(options.txn.appId);
    if (done !== undefined && done >= options.txn.version) return { version: tx.readVersion, rowsAdded: 0, rowsRemoved: 0, filesAdded: 0, filesRemoved: 0, bytesAdded: 0 };
    tx.setTxn(options.txn.appId, options.txn.version);
  }
  const target: CopyWorkerFileTarget = {
    root: store.root,
    schema: tx.schema,
    columnMappingMode: tx.columnMappingMode,
    properties: tx.properties,
    stats: statsOptionsFromProperties(tx.properties, tx.properties['delta.enableDeletionVectors'] === 'true'),
    targetFileSize: DEFAULT_TARGET_FILE_SIZE,
  };
  let rowsWritten = 0;
  const written = await reader.writeFiles(target, (rows) => {
    rowsWritten += rows;
    // The input's size is unknown up front: total 0 (see ProgressCallback), as writeTable reports it.
    options.onProgress?.(rowsWritten, 0, 'rows written');
  });
  if (!written) return undefined;

  let filesRemoved = 0;
  const snapshot = tx.snapshot;
  const overwrites = existing !== undefined && options.mode === 'overwrite' && snapshot !== undefined;
  if (overwrites) filesRemoved = stageRemoveAll(tx, snapshot);
  tx.add(...written.map((file) => ({ add: addActionOf(file) })));
  const bytesAdded = written.reduce((n, f) => n + f.size, 0);
  const rowsAdded = written.reduce((n, f) => n + f.rows, 0);
  const operation: CommitOperation = {
    operation: 'WRITE',
    parameters: { mode: options.mode === 'overwrite' ? 'Overwrite' : 'Append', partitionBy: tx.partitionColumns },
    metrics: {
      numFiles: written.length,
      numOutputRows: rowsAdded,
      numOutputBytes: bytesAdded,
      ...(overwrites ? { numRemovedFiles: filesRemoved, numCopiedRows: 0 } : {}),
    },
  };
  const { version } = await tx.commit(operation, options.signal ? { signal: options.signal } : {});
  return { version, rowsAdded, rowsRemoved: 0, filesAdded: written.length, filesRemoved, bytesAdded };
}
