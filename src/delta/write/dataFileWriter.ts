import { randomUUID } from 'node:crypto';
import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
import { filterBatch, takeData } from '../../arrow/takeRows';
import { ParquetFileEncoder, type ParquetEncoder } from '../../parquet/parquetFileEncoder';
import { ParquetEncodeError, parquetWorkerPool, worthEncodingInThePool, type ParquetWorkerPool } from '../../parquet/parquetWorkerPool';
import { plainColumns } from '../../parquet/plainColumns';
import type { ColumnEncodingHint } from '../../parquet/flatEncoder/columnEncodingHints';
import { flatParquetEncoder, type FlatParquetEncoder } from '../../parquet/flatEncoder/flatParquetEncoder';
import { PageBuffers } from '../../parquet/flatEncoder/pageBuffers';
import { parquetFileSuffix, type ParquetCompression } from '../../parquet/writeParquet';
import type { ObjectStore } from '../../storage/objectStore';
import type { AddFile } from '../actions';
import { DeltaError } from '../errors';
import { findField, physicalName, type ColumnMappingMode, type StructField, type StructType } from '../schema';
import { withNullColumns } from './materializedRowColumns';
import { encodeLogPath, partitionDirectory, partitionValueAt } from './partitionPath';
import { keptRows } from './keptRows';
import { physicalFileSchema, toPhysicalBatch } from './physicalData';
import { StatsCollector, type StatsOptions } from './statsCollector';
import { StreamedDataFile } from './streamedDataFile';

/** Spark's default `delta.targetFileSize` for writes without auto-compaction: 128 MiB. */
export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
/** Arrow bytes written into all open files (one per partition) before the largest is closed. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

export interface DataFileWriterOptions {
  store: ObjectStore;
  /** The table's logical schema, partition columns included. */
  schema: StructType;
  partitionColumns: readonly string[];
  columnMappingMode: ColumnMappingMode;
  stats?: StatsOptions;
  /** Files are closed once they reach about this many bytes (estimated from the data written so far). */
  targetFileSize?: number;
  maxBufferedBytes?: number;
  compression?: ParquetCompression;
  /**
   * Columns outside the table schema written after its columns, without statistics: the
   * materialized row tracking columns (materializedRowFields). A batch lacking one writes nulls.
   */
  hiddenColumns?: readonly StructField[];
  /** Folder under the table root, e.g. `_change_data/`; '' for data files. */
  directory?: string;
  signal?: AbortSignal;
  /** Where large files are encoded (see worthEncodingInThePool); the process's pool by default. */
  pool?: ParquetWorkerPool;
}

/** A Parquet file written under the table root, described as the log needs it. */
export interface WrittenFile {
  /** Table-relative, URL-encoded (the log form). */
  path: string;
  /** Keyed by physical column name. */
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  rows: number;
  stats: string;
}

/** The file a partition's rows currently go to, encoded as they arrive. */
interface OpenFile {
  values: Record<string, string | null>;
  directory: string;
  encoder: ParquetEncoder;
  /** The same encoder when it is the flat one: its statistics then make the file's (no second pass). */
  flat: FlatParquetEncoder | undefined;
  stats: StatsCollector;
  /** Where its closed row groups go as they close: a flat-encoded file on a store with openWrite. */
  stream: StreamedDataFile | undefined;
  /** Arrow bytes written into it so far. */
  bytes: number;
}

/**
 * Writes logical record batches (in the table's Arrow types) as Hive-partitioned Parquet data
 * files: rows are split by partition value and streamed into one open file per partition, which
 * is closed when it reaches the target size or when all open files together exceed the memory
 * bound (the largest goes first). Statistics are collected from the batches as they pass.
 */
export class DataFileWriter {
  private readonly partitionFields: StructField[];
  private readonly dataSchema: StructType;
  /** The data schema and the hidden columns: what a file stores. */
  private readonly fileColumns: StructType;
  private readonly fileSchema: Schema;
  private readonly open = new Map<string, OpenFile>();
  /** No file was opened with an encoder other than the flat one (see copiesRows). */
  private onlyFlat = true;
  private readonly written: WrittenFile[] = [];
  private openBytes = 0;
  /** Bytes of Parquet per byte of Arrow data, learned from the files written so far. */
  private compressionRatio = 1;
  private fileCounter = 0;
  private readonly compression: ParquetCompression;
  /**
   * The file being finished (its last batches encoded, then stored) while the caller already
   * writes the next: one at a time, so memory holds at most one finished file's bytes.
   */
  private closing: Promise<void> = Promise.resolve();
  /** Page bodies the flat encoders of this writer's files hand on to each other (see FlatEncoderOptions.buffers). */
  private readonly pageBuffers = new PageBuffers();

  constructor(private readonly options: DataFileWriterOptions) {
    this.compression = options.compression ?? 'zstd';
    this.partitionFields = options.partitionColumns.map((column) => {
      const field = findField(options.schema, [column]);
      if (!field) throw new DeltaError('DELTA_INVALID_SCHEMA', `Partition column "${column}" is not in the table schema.`);
      return field;
    });
    const partitionNames = new Set(this.partitionFields.map((f) => f.name));
    this.dataSchema = { kind: 'struct', fields: options.schema.fields.filter((f) => !partitionNames.has(f.name)) };
    this.fileColumns = { kind: 'struct', fields: [...this.dataSchema.fields, ...(options.hiddenColumns ?? [])] };
    this.fileSchema = physicalFileSchema(this.fileColumns, options.columnMappingMode);
  }

  /**
   * Writes the rows of `batch`, or only those whose byte in `keep` is 1 (0 or 1 each). An
   * unpartitioned table's flat-encoded file takes them straight from `batch` (FlatParquetEncoder's
   * keep mask): the kept rows of a copy-on-write rewrite are never copied into a batch of their own.
   * `encodings` tells a flat-encoded file how the rewritten file stored each column, by physical
   * name (see FlatParquetEncoder.preferEncodings).
   */
  async write(batch: RecordBatch, keep?: Uint8Array, encodings?: ReadonlyMap<string, ColumnEncodingHint>): Promise<void> {
    this.options.signal?.throwIfAborted();
    if (batch.numRows === 0) return;
    const partitioned = this.partitionFields.length > 0;
    const source = keep && partitioned ? filterBatch(batch, keep) : batch;
    const mask = partitioned ? undefined : keep;
    const kept = mask ? keptRows(mask) : source.numRows;
    if (kept === 0) return;
    const physicalOf = (rows: RecordBatch): RecordBatch =>
      toPhysicalBatch(this.options.hiddenColumns ? withNullColumns(rows, this.options.hiddenColumns) : rows, this.fileColumns, this.fileSchema);
    for (const [values, whole] of this.splitByPartition(source)) {
      const directory = this.directoryOf(values);
      let file = this.open.get(directory);
      let physical = physicalOf(whole);
      if (!file) {
        const stats = new StatsCollector(this.dataSchema, this.options.columnMappingMode, this.options.stats);
        const flat = flatParquetEncoder(physical.schema, { compression: this.compression }, this.pageBuffers);
        if (!flat) this.onlyFlat = false;
        const { openWrite } = this.options.store;
        const stream = flat && openWrite ? new StreamedDataFile(openWrite.bind(this.options.store), this.nextFileName(directory)) : undefined;
        file = { values, directory, encoder: flat ?? this.encoderFor(physical), flat, stats, stream, bytes: 0 };
        this.open.set(directory, file);
      }
      // Only the flat encoder takes a keep mask: the others get the kept rows copied out.
      const { flat, encoder } = file;
      const part = mask && !flat ? filterBatch(whole, mask) : whole;
      if (part !== whole) physical = physicalOf(part);
      if (!flat) file.stats.add(part);
      if (flat && encodings) flat.preferEncodings(encodings);
      await encodeFailure(() => (flat && mask ? flat.write(physical, mask) : encoder.write(physical)));
      if (flat && file.stream) await storeFailure(file.stream.write(flat.takeClosedParts()), file.stream.relative, this.options.store.root);
      const bytes = mask ? Math.round((whole.data.byteLength * kept) / whole.numRows) : part.data.byteLength;
      file.bytes += bytes;
      this.openBytes += bytes;
      if (file.bytes * this.compressionRatio >= (this.options.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE)) await this.close(file);
    }
    const limit = this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    while (this.openBytes > limit) {
      const largest = [...this.open.values()].reduce((a, b) => (b.bytes > a.bytes ? b : a));
      await this.close(largest);
    }
  }

  /**
   * Whether every batch written so far was copied by the time its `write` resolved: the flat
   * encoder copies the rows into its pages (the others may hold a batch until the file closes). A
   * caller may then reuse the buffers of the batches it wrote (a rewrite recycles its decoded
   * row groups, see DataFileContent.recyclingBatches).
   */
  get copiesRows(): boolean {
    return this.onlyFlat;
  }

  /** Closes every open file and returns all files written, in order. */
  async finish(): Promise<WrittenFile[]> {
    for (const file of [...this.open.values()]) await this.close(file);
    await this.closing;
    return [...this.written];
  }

  /** Drops the open files and deletes the files written so far (a failed write leaves no orphans). */
  async abort(): Promise<void> {
    for (const file of this.open.values()) file.encoder.abort();
    const streams = [...this.open.values()].map((file) => file.stream?.abort());
    this.open.clear();
    this.openBytes = 0;
    await this.closing.catch(() => undefined);
    await Promise.all(streams);
    const files = this.written.splice(0);
    await Promise.all(files.map((f) => this.options.store.delete(decodeURIComponent(f.path)).catch(() => undefined)));
  }

  private splitByPartition(batch: RecordBatch): Array<[Record<string, string | null>, RecordBatch]> {
    if (this.partitionFields.length === 0) return [[{}, batch]];
    const columns = this.partitionFields.map((field) => {
      const index = batch.schema.fields.findIndex((f) => f.name === field.name);
      const data = batch.data.children[index];
      if (!data) throw new DeltaError('DELTA_SCHEMA_MISMATCH', `The data has no partition column "${field.name}".`);
      return { field, data };
    });
    const groups = new Map<string, { values: Record<string, string | null>; rows: number[] }>();
    const single = columns.length === 1 ? columns[0] : undefined;
    for (let row = 0; row < batch.numRows; row++) {
      // One partition column (the usual case) needs no composite key: its text, or a NULL marker.
      const cells = single ? [partitionValueAt(single.data, row, single.field.type)] : columns.map(({ field, data }) => partitionValueAt(data, row, field.type));
      const key = single ? (cells[0] === null ? '\u0000' : `\u0001${cells[0]}`) : JSON.stringify(cells);
      let group = groups.get(key);
      if (!group) {
        const values: Record<string, string | null> = {};
        columns.forEach(({ field }, i) => { values[physicalName(field, this.options.columnMappingMode)] = cells[i] ?? null; });
        group = { values, rows: [] };
        groups.set(key, group);
      }
      group.rows.push(row);
    }
    if (groups.size === 1) return [[[...groups.values()][0]!.values, batch]];
    return [...groups.values()].map(({ values, rows }) => [values, takeBatch(batch, rows)]);
  }

  private directoryOf(values: Record<string, string | null>): string {
    const mode = this.options.columnMappingMode;
    return partitionDirectory(this.partitionFields.map((f) => physicalName(f, mode)), values);
  }

  /**
   * The encoder of a file the flat TypeScript encoder (src/parquet/flatEncoder, whose ZSTD already
   * runs beside this thread) cannot write (nested types, no native ZSTD, other codecs):
   * encodes it in the worker pool when its first batch is large (the encoder then runs beside
   * this thread, which prepares the next batches); small files stay on this thread, where they
   * cost no worker start-up. A large file whose every worker still encodes an earlier file (its
   * queue runs up to 64 MiB ahead, see the pool) is encoded on this thread meanwhile: two files
   * at once, one per core, rather than one after the other in the same worker. The first
   * (physical) batch also decides which columns skip the dictionary (plainColumns).
   */
  private encoderFor(first: RecordBatch): ParquetEncoder {
    const options = { compression: this.compression, plainColumns: plainColumns(first) };
    if (!worthEncodingInThePool(first.data.byteLength)) return new ParquetFileEncoder(options);
    return (this.options.pool ?? parquetWorkerPool()).idleEncoder(options) ?? new ParquetFileEncoder(options);
  }

  /** Starts finishing `file` once the previous file is done (whose failure this throws). */
  private async close(file: OpenFile): Promise<void> {
    this.open.delete(file.directory);
    this.openBytes -= file.bytes;
    if (this.options.signal?.aborted) {
      file.encoder.abort();
      await file.stream?.abort();
      this.options.signal.throwIfAborted();
    }
    await this.closing.catch(async (error: unknown) => {
      // The previous file failed: this one, out of `open` already, is never stored.
      file.encoder.abort();
      await file.stream?.abort();
      throw error;
    });
    this.closing = this.store(file);
    // Awaited by the next close, finish or abort.
    this.closing.catch(() => undefined);
  }

  /** `part-<counter>-<uuid>-c000<suffix>` in the file's folder, relative to the table root. */
  private nextFileName(directory: string): string {
    const counter = String(this.fileCounter++).padStart(5, '0');
    return `${this.options.directory ?? ''}${directory}part-${counter}-${randomUUID()}-c000${parquetFileSuffix(this.compression)}`;
  }

  private async store(file: OpenFile): Promise<void> {
    try {
      await this.storeFile(file);
    } catch (error) {
      // A streamed file's row groups written so far go with it.
      await file.stream?.abort();
      throw error;
    }
  }

  private async storeFile(file: OpenFile): Promise<void> {
    const { store } = this.options;
    const { flat, stream } = file;
    // A flat-encoded file goes to a store that takes parts as its pages: never joined into one buffer.
    const putParts = flat && store.putParts ? store.putParts.bind(store) : undefined;
    const parts = flat && (stream || putParts) ? await encodeFailure(() => flat.finishParts()) : [await encodeFailure(() => file.encoder.finish())];
    if (flat) file.stats.addEncoded(flat.rows, flat.columnStatistics());
    const relative = stream?.relative ?? this.nextFileName(file.directory);
    const stored = stream ? stream.finish(parts) : putParts ? putParts(relative, parts) : store.put(relative, parts[0] as Uint8Array);
    await storeFailure(stored, relative, store.root);
    const size = stream ? stream.bytes : parts.reduce((n, p) => n + p.length, 0);
    if (file.bytes > 0) this.compressionRatio = Math.max(0.01, size / file.bytes);
    this.written.push({
      path: encodeLogPath(relative),
      partitionValues: file.values,
      size,
      modificationTime: Date.now(),
      rows: file.stats.rows,
      stats: file.stats.toJson(),
    });
  }
}

/** A failed write of data file `relative` as a DeltaError naming it. */
async function storeFailure(stored: Promise<void>, relative: string, root: string): Promise<void> {
  await stored.catch((cause: unknown) => {
    // A store's own DeltaError (read-only location, full disk) already names the file and the fix.
    if (cause instanceof DeltaError) throw cause;
    throw new DeltaError('DELTA_IO_ERROR', `Cannot write data file ${relative} under ${root}: ${(cause as Error).message}`, { cause });
  });
}

/** The encoder's own failures as a DeltaError (a pooled encoder's worker may have stopped). */
async function encodeFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ParquetEncodeError) throw new DeltaError('DELTA_PARQUET_ENCODE_FAILED', `Cannot encode a Parquet data file: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The `add` action of a freshly written data file. */
export function addActionOf(file: WrittenFile, dataChange = true): AddFile {
  return {
    path: file.path,
    partitionValues: file.partitionValues,
    size: file.size,
    modificationTime: file.modificationTime,
    dataChange,
    stats: file.stats,
  };
}

function takeBatch(batch: RecordBatch, rows: number[]): RecordBatch {
  const indices = Int32Array.from(rows);
  const children = batch.data.children.map((child) => takeData(child, indices));
  return new RecordBatch(batch.schema, new Data(new Struct(batch.schema.fields), 0, rows.length, 0, undefined, children));
}
