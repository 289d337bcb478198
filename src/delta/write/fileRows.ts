import { Data, RecordBatch, Struct, type Table } from 'apache-arrow';
import { parquetWorkerPool, shareBytes, worthThePool } from '../../parquet/parquetWorkerPool';
import { decodeParquet, parquetLayout, ParquetDecodeError, type ParquetLayout } from '../../parquet/readParquet';
import type { AddFile } from '../actions';
import { toArrowSchema } from '../arrowSchema';
import type { DeletedRows } from '../deletionVectors/deletedRows';
import { keepMask } from '../deletionVectors/keepMask';
import { readDeletionVector } from '../deletionVectors/readDeletionVector';
import { DeltaError } from '../errors';
import { resolveDataFilePath } from '../filePaths';
import { conformData } from '../scan/conformData';
import { constantData } from '../scan/constantData';
import { filePartitionValues } from '../scan/pruning';
import { physicalName, type StructField } from '../schema';
import type { Snapshot } from '../snapshot';

/** One decoded piece of a data file, with every physical row (deleted ones included). */
export interface FileRows {
  /** All table columns, logical names and types (partition columns from the file's values). */
  batch: RecordBatch;
  /** Index of the batch's first row in the file: the row index deletion vectors use. */
  rowOffset: number;
  /** 1 for rows the file's current deletion vector keeps; undefined when it has none. */
  live: Uint8Array | undefined;
}

/** The rows of one data file as a rewrite sees them, decoded a row group at a time. */
export interface DataFileContent {
  deleted: DeletedRows | undefined;
  /** Physical rows in the file (deleted ones included). */
  rows: number;
  /** Every table column. */
  batches: Iterable<FileRows>;
  /**
   * Only these top-level columns (logical names): a DML reads its predicate's columns first and
   * builds the rest only of files it rewrites. The batches cover the same rows as `batches`
   * (their `rowOffset` says where), not necessarily in the same pieces.
   */
  batchesOf(columns: readonly string[]): Iterable<FileRows> | AsyncIterable<FileRows>;
}

/**
 * Reads a whole data file for DML (DELETE, UPDATE, MERGE, replaceWhere): unlike a scan it keeps
 * the rows a deletion vector hides, marked in `live`, because the row positions are what a new
 * deletion vector has to address.
 */
export async function readDataFile(snapshot: Snapshot, file: AddFile, batchSize = 65536): Promise<DataFileContent> {
  const path = resolveDataFilePath(file.path, snapshot.tableRoot);
  const [fileBytes, deleted] = await Promise.all([
    snapshot.store.get(path).catch((cause: unknown) => {
      throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
    }),
    file.deletionVector ? readDeletionVector(snapshot.store, file.deletionVector) : Promise.resolve(undefined),
  ]);
  // Replaced by its shared copy once the pool reads it, so the file is never held twice.
  let bytes = fileBytes;
  const mode = snapshot.columnMappingMode;
  const partitionColumns = new Set(snapshot.partitionColumns);
  const partitions = filePartitionValues(file, snapshot);
  const corrupt = (error: unknown): unknown => (error instanceof ParquetDecodeError
    ? new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`)
    : error);
  let layout: ParquetLayout;
  try {
    layout = parquetLayout(bytes);
  } catch (error) {
    throw corrupt(error);
  }
  const groups = layout.rowGroups;
  /** The logical batches of decoded pieces (undefined source: partition columns only). */
  function* logicalRows(fields: readonly StructField[], pieces: Array<{ length: number; source: Data | undefined }>, firstRow: number): Generator<FileRows> {
    const arrowSchema = toArrowSchema({ kind: 'struct', fields: [...fields] });
    let rowOffset = firstRow;
    for (const { length, source } of pieces) {
      const children = fields.map((field) => {
        if (partitionColumns.has(field.name) || !source) return constantData(field.type, partitions[field.name] ?? null, length);
        return conformData(source, { kind: 'struct', fields: [field] }, mode, '').children[0] as Data;
      });
      const logical = new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
      yield { batch: logical, rowOffset, live: deleted ? keepMask(deleted, rowOffset, length) : undefined };
      rowOffset += length;
    }
  }
  const piecesOf = (table: Table): Array<{ length: number; source: Data }> => {
    const struct = new Struct(table.schema.fields);
    return table.batches.map((batch) => ({ length: batch.numRows, source: new Data(struct, 0, batch.numRows, 0, undefined, batch.data.children) }));
  };
  const storedNames = (fields: readonly StructField[]): string[] => fields.filter((f) => !partitionColumns.has(f.name)).map((f) => physicalName(f, mode));
  /** The chosen columns a row group at a time, decoded on this thread (memory bounded by a row group). */
  function* decodeHere(fields: readonly StructField[]): Generator<FileRows> {
    const stored = storedNames(fields);
    let rowOffset = 0;
    for (const [index, groupRows] of groups.entries()) {
      let pieces: Array<{ length: number; source: Data | undefined }>;
      if (stored.length === 0) {
        // Only partition columns: their values come from the log, nothing is decoded.
        pieces = [{ length: groupRows, source: undefined }];
      } else {
        try {
          pieces = piecesOf(decodeParquet(bytes, { columns: stored, rowGroups: [index], batchSize }));
        } catch (error) {
          throw corrupt(error);
        }
      }
      yield* logicalRows(fields, pieces, rowOffset);
      rowOffset += groupRows;
    }
  }
  /**
   * Some columns of a large file, decoded in the worker pool (see worthThePool): its reader reads
   * only their column chunks, and the next group decodes while the caller works on this one
   * (memory bounded by two row groups).
   */
  async function* decodePooled(fields: readonly StructField[], stored: string[]): AsyncGenerator<FileRows> {
    const pool = parquetWorkerPool();
    // From here on the file is held once, shared: the calling thread's decodes read the same copy.
    bytes = shareBytes(bytes);
    const shared = bytes;
    // Skips the queued decode when the caller stops reading early.
    const stop = new AbortController();
    const start = (group: number): Promise<Table> => {
      const table = pool.decode(shared, { columns: stored, rowGroups: [group], batchSize, signal: stop.signal });
      // Awaited in order below; the guard keeps one the caller never reaches from being unhandled.
      table.catch(() => undefined);
      return table;
    };
    let next = groups.length > 0 ? start(0) : undefined;
    let rowOffset = 0;
    try {
      for (const [index, groupRows] of groups.entries()) {
        const table = await (next as Promise<Table>).catch((error: unknown) => { throw corrupt(error); });
        next = index + 1 < groups.length ? start(index + 1) : undefined;
        yield* logicalRows(fields, piecesOf(table), rowOffset);
        rowOffset += groupRows;
      }
    } finally {
      stop.abort();
    }
  }
  const schema = snapshot.schema;
  return {
    deleted,
    rows: groups.reduce((a, b) => a + b, 0),
    // Every column: the synchronous reader on this thread costs less than the pool (see worthThePool).
    batches: decodeHere(schema.fields),
    batchesOf: (columns) => {
      // Delta column names are case-insensitive; a predicate may spell them differently.
      const wanted = new Set(columns.map((c) => c.toLowerCase()));
      const projected = schema.fields.filter((f) => wanted.has(f.name.toLowerCase()));
      const stored = storedNames(projected);
      return worthThePool(layout.columns, stored, bytes.byteLength) ? decodePooled(projected, stored) : decodeHere(projected);
    },
  };
}
