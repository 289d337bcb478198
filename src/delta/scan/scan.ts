import { Data, RecordBatch, Struct, type Schema, type Table } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import { decodeParquetAsync, parquetLayout, type ParquetLayout } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import { parquetWorkerPool, shareBytes, worthThePool, type ParquetWorkerPool } from '../../parquet/parquetWorkerPool';
import type { AddFile } from '../actions';
import { toArrowSchema } from '../arrowSchema';
import { readDeletionVector } from '../deletionVectors/readDeletionVector';
import { keepMask } from '../deletionVectors/keepMask';
import type { DeletedRows } from '../deletionVectors/deletedRows';
import { DeltaError } from '../errors';
import { resolveDataFilePath } from '../filePaths';
import type { Predicate } from '../predicate/ast';
import { columnsOf } from '../predicate/columnsOf';
import { parsePredicate } from '../predicate/parsePredicate';
import { physicalName, type StructField, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { conformData } from './conformData';
import { constantData } from './constantData';
import { fileMatchesStats, filePartitionValues, rowMask } from './pruning';
import type { ProgressCallback } from '../../util/progress';

export interface ScanOptions {
  /** Top-level logical columns to return, in this order; all when omitted. */
  columns?: string[];
  /** A predicate in the engine's language (see README) or an already parsed one. */
  where?: string | Predicate;
  /** Stop after this many rows. */
  limit?: number;
  /** Rows per decoded batch (bounds memory); default 65,536. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Counters of the last planning: how many files the log has and how many pruning removed. */
export interface ScanMetrics { filesInTable: number; filesSkipped: number; filesRead: number; rowsRead: number }

/**
 * Reads a snapshot's data as Arrow record batches: partition pruning and min/max skipping first,
 * then one data file at a time (one row group at a time), deletion vectors and the row filter
 * applied, so memory is bounded by the batch size and not by the table size.
 */
export class Scan {
  /** Output schema (the projected columns, logical names and types). */
  readonly schema: StructType;
  readonly arrowSchema: Schema;
  readonly predicate: Predicate | undefined;
  readonly metrics: ScanMetrics = { filesInTable: 0, filesSkipped: 0, filesRead: 0, rowsRead: 0 };
  /** Output columns plus the ones only the predicate needs. */
  private readonly readSchema: StructType;

  constructor(private readonly snapshot: Snapshot, private readonly options: ScanOptions) {
    const all = snapshot.schema;
    const fields = options.columns ? options.columns.map((name) => lookupColumn(all, name)) : all.fields;
    this.schema = { kind: 'struct', fields };
    this.arrowSchema = toArrowSchema(this.schema);
    this.predicate = typeof options.where === 'string' ? parsePredicate(options.where, all) : options.where;
    const needed = new Set(fields.map((f) => f.name));
    for (const path of this.predicate ? columnsOf(this.predicate) : []) {
      const top = lookupColumn(all, path[0] as string);
      needed.add(top.name);
    }
    this.readSchema = { kind: 'struct', fields: all.fields.filter((f) => needed.has(f.name)) };
  }

  /** The files that may hold matching rows, after partition pruning and stats skipping. */
  plan(): AddFile[] {
    const files = this.snapshot.files();
    this.metrics.filesInTable = files.length;
    const kept = this.predicate
      ? files.filter((file) => fileMatchesStats(this.predicate as Predicate, file, this.snapshot))
      : files;
    this.metrics.filesSkipped = files.length - kept.length;
    // Stable order across runs: by path.
    return kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async *batches(): AsyncGenerator<RecordBatch> {
    const files = this.plan();
    let remaining = this.options.limit ?? Infinity;
    const { signal, onProgress } = this.options;
    const pool = parquetWorkerPool();
    // Dropped when the caller stops early (limit, abort, break): decodes not started yet are skipped.
    const stop = new AbortController();
    const units = this.units(files, pool, stop.signal);
    // Row groups the pool decodes ahead, in order: enough to keep every worker busy, so memory holds
    // at most pool.size + 1 decoded row groups. Without a predicate, no more rows than the limit
    // still wants. Groups decoded on this thread are taken one at a time (nothing to overlap), so the
    // files in memory stay this one and the one being prefetched.
    const ahead: DecodeUnit[] = [];
    let exhausted = false;
    const fill = async (): Promise<void> => {
      while (!exhausted && ahead.length < pool.size && (ahead.length === 0 || ahead.every((u) => u.pooled))
        && (this.predicate !== undefined || ahead.reduce((sum, u) => sum + u.rows, 0) < remaining)) {
        const next = await units.next();
        if (next.done) exhausted = true;
        else ahead.push(next.value);
      }
    };
    try {
      for (;;) {
        // At the top, where the previous group and its file are no longer referenced: filling may
        // start fetching the file after next.
        if (ahead.length === 0) await fill();
        const unit = ahead.shift();
        if (!unit) break;
        signal?.throwIfAborted();
        if (unit.pooled) await fill();
        const table = await unit.table().catch((error: unknown) => { throw corruptParquet(unit.fetched.path, error); });
        for (const batch of this.decode(unit, table)) {
          signal?.throwIfAborted();
          const limited = batch.numRows > remaining ? batch.slice(0, remaining) : batch;
          remaining -= limited.numRows;
          this.metrics.rowsRead += limited.numRows;
          if (limited.numRows > 0) yield limited;
          if (remaining <= 0) break;
        }
        if (unit.lastOfFile || remaining <= 0) {
          this.metrics.filesRead++;
          onProgress?.(unit.fileIndex + 1, files.length, unit.file.path);
        }
        if (remaining <= 0) return;
      }
    } finally {
      stop.abort();
      await units.return(undefined);
    }
  }

  /** Reads every batch into one Arrow-friendly array (for small results and tests). */
  async collect(): Promise<RecordBatch[]> {
    const out: RecordBatch[] = [];
    for await (const batch of this.batches()) out.push(batch);
    return out;
  }

  private async fetch(file: AddFile): Promise<FetchedFile> {
    const path = resolveDataFilePath(file.path, this.snapshot.tableRoot);
    const [bytes, deleted] = await Promise.all([
      this.snapshot.store.get(path).catch((cause: unknown) => {
        throw new DeltaError('DELTA_FILE_NOT_FOUND',
          `Data file ${path} is listed in version ${this.snapshot.version} of the log but cannot be read (${(cause as Error).message}). It may have been deleted by VACUUM or by hand.`,
          { cause });
      }),
      file.deletionVector ? readDeletionVector(this.snapshot.store, file.deletionVector) : Promise.resolve(undefined),
    ]);
    return { path, bytes, deleted };
  }

  /**
   * The row groups of the files, in order; a group the pool decodes is handed to it when yielded
   * (see worthThePool). The next file is fetched while this one's groups decode.
   */
  private async *units(files: AddFile[], pool: ParquetWorkerPool, stop: AbortSignal): AsyncGenerator<DecodeUnit> {
    const partitionColumns = new Set(this.snapshot.partitionColumns);
    const mode = this.snapshot.columnMappingMode;
    const columns = this.readSchema.fields.filter((f) => !partitionColumns.has(f.name)).map((f) => physicalName(f, mode));
    const batchSize = this.options.batchSize ?? 65536;
    const fetchHandled = (file: AddFile): Promise<FetchedFile> => {
      const fetched = this.fetch(file);
      // Awaited below; the guard keeps a prefetch the caller never reaches from being unhandled.
      fetched.catch(() => undefined);
      return fetched;
    };
    let next = files.length > 0 ? fetchHandled(files[0] as AddFile) : undefined;
    for (const [fileIndex, file] of files.entries()) {
      const raw = await (next as Promise<FetchedFile>);
      next = fileIndex + 1 < files.length ? fetchHandled(files[fileIndex + 1] as AddFile) : undefined;
      let layout: ParquetLayout;
      try {
        layout = parquetLayout(raw.bytes);
      } catch (error) {
        throw corruptParquet(raw.path, error);
      }
      const groups = layout.rowGroups;
      const pooled = worthThePool(layout.columns, columns, raw.bytes.byteLength);
      // The shared copy replaces the file's bytes, so the file is held once.
      const fetched = pooled ? { ...raw, bytes: shareBytes(raw.bytes) } : raw;
      const bytes = fetched.bytes;
      let rowOffset = 0;
      for (const [group, rows] of groups.entries()) {
        let table: () => Promise<Table | undefined>;
        if (pooled) {
          const started = pool.decode(bytes, { columns, rowGroups: [group], batchSize, signal: stop });
          started.catch(() => undefined);
          table = () => started;
        } else {
          // Decoded on this thread when its turn comes (ZSTD pages natively on libuv's pool).
          table = () => decodeParquetAsync(bytes, { columns, rowGroups: [group], batchSize });
        }
        yield { file, fileIndex, fetched, rowOffset, rows, lastOfFile: group === groups.length - 1, pooled, table };
        rowOffset += rows;
      }
      if (groups.length === 0) {
        yield { file, fileIndex, fetched, rowOffset, rows: 0, lastOfFile: true, pooled: false, table: () => Promise.resolve(undefined) };
      }
    }
  }

  private *decode(unit: DecodeUnit, table: Table | undefined): Generator<RecordBatch> {
    const mode = this.snapshot.columnMappingMode;
    const partitionColumns = new Set(this.snapshot.partitionColumns);
    const partitions = filePartitionValues(unit.file, this.snapshot);
    let rowOffset = unit.rowOffset;
    for (const batch of table?.batches ?? []) {
      const fileStruct = batch.schema.fields;
      const length = batch.numRows;
      const children = this.readSchema.fields.map((field) => {
        if (partitionColumns.has(field.name)) return constantData(field.type, partitions[field.name] ?? null, length);
        const holder = { kind: 'struct' as const, fields: [field] };
        const source = new Data(new Struct(fileStruct), 0, length, 0, undefined, batch.data.children);
        const conformed = conformData(source, holder, mode, '');
        return conformed.children[0] as Data;
      });
      const readBatch = makeBatch(this.readSchema, children, length);
      const mask = this.mask(readBatch, unit.fetched.deleted, rowOffset, length);
      rowOffset += length;
      const filtered = mask ? filterBatch(readBatch, mask) : readBatch;
      yield this.project(filtered);
    }
  }

  private mask(batch: RecordBatch, deleted: DeletedRows | undefined, rowOffset: number, length: number): Uint8Array | undefined {
    let mask = deleted ? keepMask(deleted, rowOffset, length) : undefined;
    if (this.predicate) {
      const matches = rowMask(this.predicate, batch, this.readSchema);
      if (mask) for (let i = 0; i < length; i++) mask[i] = (mask[i] as number) & (matches[i] as number);
      else mask = matches;
    }
    return mask;
  }

  private project(batch: RecordBatch): RecordBatch {
    if (this.readSchema.fields.length === this.schema.fields.length
      && this.readSchema.fields.every((f, i) => f.name === this.schema.fields[i]?.name)) return batch;
    const children = this.schema.fields.map((f) => batch.data.children[this.readSchema.fields.indexOf(f)] as Data);
    return makeBatch(this.schema, children, batch.numRows);
  }
}

interface FetchedFile { path: string; bytes: Uint8Array; deleted: DeletedRows | undefined }

/** One row group of a data file, being decoded by the pool. */
interface DecodeUnit {
  file: AddFile;
  fileIndex: number;
  fetched: FetchedFile;
  /** Index in the file of the group's first row (deletion vectors address rows by it). */
  rowOffset: number;
  rows: number;
  lastOfFile: boolean;
  /** Decoded by the worker pool (see worthThePool) rather than on the calling thread. */
  pooled: boolean;
  /** Started already when the pool decodes it; undefined for a file without row groups. */
  table: () => Promise<Table | undefined>;
}

function corruptParquet(path: string, error: unknown): unknown {
  if (!(error instanceof ParquetDecodeError)) return error;
  return new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
}

function makeBatch(schema: StructType, children: Data[], length: number): RecordBatch {
  const arrowSchema = toArrowSchema(schema);
  const data = new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children);
  return new RecordBatch(arrowSchema, data);
}

function lookupColumn(schema: StructType, name: string): StructField {
  const field = schema.fields.find((f) => f.name === name)
    ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field) {
    throw new DeltaError('DELTA_INVALID_ARGUMENT',
      `Column "${name}" does not exist. Columns: ${schema.fields.map((f) => f.name).join(', ')}.`);
  }
  return field;
}
