import { Data, RecordBatch, Struct, type Table } from 'apache-arrow';
import { decodeFlatParquet } from '../../parquet/flatDecoder/decodeFlatParquet';
import { readParquetFooter } from '../../parquet/flatDecoder/parquetFooter';
import { recycleTable } from '../../parquet/flatDecoder/recycledBuffers';
import { columnEncodingHints, type ColumnEncodingHint } from '../../parquet/flatEncoder/columnEncodingHints';
import { planFlatRead } from '../../parquet/flatDecoder/flatParquetPlan';
import { wasmZstdLoaded } from '../../parquet/flatDecoder/wasmZstd';
import { parquetWorkerPool, shareBytes, worthThePool } from '../../parquet/parquetWorkerPool';
import { decodeParquet, parquetLayout, type ParquetLayout } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
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
import { physicalName, type StructField, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { FlatRowGroupReader } from './flatRowGroupReader';

/**
 * Row groups a rewrite decoding in the worker pool keeps decoding ahead of the one it consumes.
 * One: a second (measured before the decoder's buffers were recycled in shared memory, MERGE wall
 * -5%) no longer pays. A decoded group of the writer bench (1M rows) takes ~148 MiB of the
 * worker's column buffers, its chunk bytes ~40 MiB more: A/B at load 4-5, one vs two ahead, DELETE
 * 1% peak 829 -> 713 MiB at equal wall and CPU (3 pairs); MERGE peak 969 -> 936 MiB, wall 4705 ->
 * 4725 ms, CPU 4843 -> 4811 ms (5 pairs).
 */
const GROUPS_AHEAD = 1;

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
  /** Row offset of the file's last row group: once a pass reads it, its reader has nothing more to decode. */
  lastGroupFrom: number;
  /** Every table column. */
  batches: Iterable<FileRows> | AsyncIterable<FileRows>;
  /**
   * Every table column, as `batches` gives them, for a consumer that holds no batch, nor any view
   * of its buffers, once it asks for the next one, when `copied()` says so (it copied what it
   * keeps: an encoder): the buffers of each row group read by range then go back to the decoder
   * when the consumer moves past the group's last batch, and the next groups are decoded into
   * them (warm memory, fewer GCs).
   */
  recyclingBatches(copied: () => boolean): Iterable<FileRows> | AsyncIterable<FileRows>;
  /**
   * Only these top-level columns (logical names): a DML reads its predicate's columns first and
   * builds the rest only of files it rewrites. The batches cover the same rows as `batches`
   * (their `rowOffset` says where), not necessarily in the same pieces. With `decodeAhead`, large
   * groups are decoded in the worker pool unless `inPool` is false (this thread has nothing else
   * to do meanwhile: it decodes them sooner than a busy pool).
   */
  batchesOf(columns: readonly string[], inPool?: boolean): Iterable<FileRows> | AsyncIterable<FileRows>;
  /** How the file stores each column, by physical name: a rewrite's writer stores them alike. */
  encodings: ReadonlyMap<string, ColumnEncodingHint>;
}

/** Decoded rows of some stored columns (undefined source: partition columns only, nothing decoded). */
type Piece = { length: number; source: Data | undefined };

/**
 * Reads a whole data file for DML (DELETE, UPDATE, MERGE, replaceWhere): unlike a scan it keeps
 * the rows a deletion vector hides, marked in `live`, because the row positions are what a new
 * deletion vector has to address. Rows come in `schema`, the snapshot's by default; a transaction
 * that evolved the schema (MERGE with schema evolution, a keyed apply following its source) reads
 * in its own, so copied rows get the added columns as nulls and widened types, as a scan would. A file the flat decoder reads (flat columns, common encodings)
 * is read a row group at a time by byte range (FlatRowGroupReader), so memory holds one group's
 * column chunks and decoded columns, never the whole file (two with `decodeAhead`: the next
 * group is then decoded while the caller works on this one, in the worker pool when large, see
 * GROUPS_AHEAD); other files
 * are read whole.
 */
export async function readDataFile(
  snapshot: Snapshot, file: AddFile, schema: StructType = snapshot.schema, batchSize = 65536, decodeAhead = false,
): Promise<DataFileContent> {
  const path = resolveDataFilePath(file.path, snapshot.tableRoot);
  const unreadable = (cause: unknown): never => {
    throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
  };
  const [ranged, deleted] = await Promise.all([
    // The flat decoder takes ZSTD files once its decoder has loaded.
    wasmZstdLoaded().then(() => FlatRowGroupReader.open(snapshot.store, path, file.size)).catch(unreadable),
    file.deletionVector ? readDeletionVector(snapshot.store, file.deletionVector) : Promise.resolve(undefined),
  ]);
  const rows = new LogicalRows(snapshot, file, deleted);
  if (!ranged?.reads(rows.storedNames(schema.fields))) {
    return readWholeFile(schema, await snapshot.store.get(path).catch(unreadable), path, rows, batchSize);
  }
  const reader = ranged;
  let whole: Promise<WholeFileContent> | undefined;
  /**
   * The chosen columns a row group at a time (the next decoded ahead, in the pool when large, with `inPool`). A group the flat decoder turns down after all (a page its footer did not announce)
   * is decoded from the whole file, which reads it or says what is wrong with it.
   */
  async function* decodeRanged(fields: readonly StructField[], inPool = decodeAhead, copied?: () => boolean): AsyncGenerator<FileRows> {
    const stored = rows.storedNames(fields);
    const read = (index: number): Promise<Table | undefined> | undefined => {
      if (stored.length === 0 || index >= reader.rowGroups.length) return undefined;
      const table = reader.read(stored, index, batchSize, inPool, copied !== undefined).catch(unreadable);
      // Awaited in order below; the guard keeps one the caller never reaches from being unhandled.
      table.catch(() => undefined);
      return table;
    };
    // The next group is read and decoded (in the worker pool when large) while the caller works on this one.
    const ahead = inPool ? GROUPS_AHEAD : 0;
    const pending = new Map<number, Promise<Table | undefined> | undefined>();
    for (let index = 0; index < ahead; index++) pending.set(index, read(index));
    let rowOffset = 0;
    for (const [index, groupRows] of reader.rowGroups.entries()) {
      const table = await (pending.get(index) ?? read(index));
      pending.delete(index);
      if (ahead > 0) pending.set(index + ahead, read(index + ahead));
      if (table === undefined && stored.length > 0) {
        whole ??= snapshot.store.get(path).catch(unreadable).then((bytes) => readWholeFile(schema, bytes, path, rows, batchSize));
        yield* rows.of(fields, (await whole).groupPieces(stored, index, groupRows), rowOffset);
      } else {
        yield* rows.of(fields, table ? piecesOf(table) : [{ length: groupRows, source: undefined }], rowOffset);
        // The consumer asked for the batch after the group's last: it is done with the group.
        if (table && copied?.()) recycleTable(table);
      }
      rowOffset += groupRows;
    }
  }
  return {
    deleted,
    rows: reader.rowGroups.reduce((a, b) => a + b, 0),
    lastGroupFrom: lastGroupFrom(reader.rowGroups),
    encodings: reader.encodings,
    batches: decodeRanged(schema.fields),
    recyclingBatches: (copied) => decodeRanged(schema.fields, decodeAhead, copied),
    batchesOf: (columns, inPool) => decodeRanged(projectedFields(schema.fields, columns), inPool),
  };
}

/** The fields named in `columns`: Delta column names are case-insensitive, a predicate may spell them differently. */
function projectedFields(fields: readonly StructField[], columns: readonly string[]): StructField[] {
  const wanted = new Set(columns.map((c) => c.toLowerCase()));
  return fields.filter((f) => wanted.has(f.name.toLowerCase()));
}

function lastGroupFrom(groupRows: readonly number[]): number {
  return groupRows.slice(0, -1).reduce((a, b) => a + b, 0);
}

function piecesOf(table: Table): Piece[] {
  const struct = new Struct(table.schema.fields);
  return table.batches.map((batch) => ({ length: batch.numRows, source: new Data(struct, 0, batch.numRows, 0, undefined, batch.data.children) }));
}

/** Decoded pieces as FileRows: logical names and types, partition columns from the file's values, the rows the deletion vector keeps. */
class LogicalRows {
  private readonly partitionColumns: Set<string>;
  private readonly partitions: ReturnType<typeof filePartitionValues>;

  constructor(private readonly snapshot: Snapshot, file: AddFile, readonly deleted: DeletedRows | undefined) {
    this.partitionColumns = new Set(snapshot.partitionColumns);
    this.partitions = filePartitionValues(file, snapshot);
  }

  /** The physical names of the fields stored in the file (not partition columns). */
  storedNames(fields: readonly StructField[]): string[] {
    const mode = this.snapshot.columnMappingMode;
    return fields.filter((f) => !this.partitionColumns.has(f.name)).map((f) => physicalName(f, mode));
  }

  *of(fields: readonly StructField[], pieces: Piece[], firstRow: number): Generator<FileRows> {
    const arrowSchema = toArrowSchema({ kind: 'struct', fields: [...fields] });
    const mode = this.snapshot.columnMappingMode;
    let rowOffset = firstRow;
    for (const { length, source } of pieces) {
      const children = fields.map((field) => {
        if (this.partitionColumns.has(field.name) || !source) return constantData(field.type, this.partitions[field.name] ?? null, length);
        return conformData(source, { kind: 'struct', fields: [field] }, mode, '').children[0] as Data;
      });
      const logical = new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
      yield { batch: logical, rowOffset, live: this.deleted ? keepMask(this.deleted, rowOffset, length) : undefined };
      rowOffset += length;
    }
  }
}

/** A whole file's content, with the decode of one row group's stored columns for a ranged read's fallback. */
interface WholeFileContent extends DataFileContent {
  groupPieces(stored: string[], group: number, groupRows: number): Piece[];
}

/** A file held whole in memory (one the flat decoder does not read, or a group it turned down). */
function readWholeFile(schema: StructType, fileBytes: Uint8Array, path: string, rows: LogicalRows, batchSize: number): WholeFileContent {
  // Replaced by its shared copy once the pool reads it, so the file is never held twice.
  let bytes = fileBytes;
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
  // Decoded already by parquetLayout when our footer reader takes the file (it keeps it).
  const footer = readParquetFooter(bytes);
  const flatPlan = (stored: string[], group: number) => planFlatRead(bytes, { columns: stored, rowGroups: [group] });
  /**
   * One row group's `stored` columns. A flat file goes to our flat decoder whatever the group's
   * size (decodeParquet sends groups above 65,536 rows to parquet-wasm): it decodes only those
   * columns, straight from `bytes`, where parquet-wasm copies the whole file into its WebAssembly
   * memory, decodes every column there, copies them out, and keeps that memory's high-water mark
   * for the life of the process.
   */
  const groupPieces = (stored: string[], group: number, groupRows: number): Piece[] => {
    if (stored.length === 0) return [{ length: groupRows, source: undefined }];
    try {
      const plan = flatPlan(stored, group);
      if (plan) {
        try {
          return piecesOf(decodeFlatParquet(bytes, plan, batchSize));
        } catch {
          // A page the footer did not announce: parquet-wasm reads it or raises ParquetDecodeError.
        }
      }
      return piecesOf(decodeParquet(bytes, { columns: stored, rowGroups: [group], batchSize }));
    } catch (error) {
      throw corrupt(error);
    }
  };
  /** The chosen columns a row group at a time, decoded on this thread (memory bounded by a row group). */
  function* decodeHere(fields: readonly StructField[]): Generator<FileRows> {
    const stored = rows.storedNames(fields);
    let rowOffset = 0;
    for (const [index, groupRows] of groups.entries()) {
      yield* rows.of(fields, groupPieces(stored, index, groupRows), rowOffset);
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
        yield* rows.of(fields, piecesOf(table), rowOffset);
        rowOffset += groupRows;
      }
    } finally {
      stop.abort();
    }
  }
  return {
    deleted: rows.deleted,
    rows: groups.reduce((a, b) => a + b, 0),
    lastGroupFrom: lastGroupFrom(groups),
    encodings: footer ? columnEncodingHints(footer) : new Map(),
    // Every column: the synchronous reader on this thread costs less than the pool (see worthThePool).
    batches: decodeHere(schema.fields),
    // Decoded from the whole file, with buffers of its own: nothing to recycle.
    recyclingBatches: () => decodeHere(schema.fields),
    batchesOf: (columns) => {
      const projected = projectedFields(schema.fields, columns);
      const stored = rows.storedNames(projected);
      // The pool only pays where this thread would decode every column (parquet-wasm ignores a projection).
      const pooled = groups.length > 0 && flatPlan(stored, 0) === undefined && worthThePool(layout.columns, stored, bytes.byteLength);
      return pooled ? decodePooled(projected, stored) : decodeHere(projected);
    },
    groupPieces,
  };
}
