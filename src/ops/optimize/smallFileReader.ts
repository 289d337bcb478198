import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Data, RecordBatch, Struct, type Schema, type Table } from 'apache-arrow';
import type { AddFile } from '../../delta/actions';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import { conformData } from '../../delta/scan/conformData';
import { constantData } from '../../delta/scan/constantData';
import { filePartitionValues } from '../../delta/scan/pruning';
import type { StructField, StructType } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { rowTrackingEnabled } from '../../delta/transaction/rowTracking';
import { parquetWorkerPool } from '../../parquet/parquetWorkerPool';
import { decodeParquet, ParquetDecodeError } from '../../parquet/readParquet';
import { LocalFileStore } from '../../storage/localFileStore';

/** Below this size a data file is read and decoded whole, in one call each (its rows are few). */
const SMALL_FILE_BYTES = 1 << 20;
/** Shorter runs of small files are decoded on this thread: the pool's worker start costs more. */
const POOL_MIN_FILES = 64;
/** Files, and their bytes, decoded in one pool request. */
const CHUNK_FILES = 256;
const CHUNK_BYTES = 2 << 20;
/** Chunks decoding in the pool at once. */
const MAX_POOL_CHUNKS = 2;
/** Chunks decoded (or decoding) and not yet taken by the caller: the most held in memory. */
const MAX_CHUNKS_AHEAD = 8;

/** A chunk of a run: its batches once decoded; null when the pool failed it (decoded here then). */
interface ChunkEntry {
  chunk: AddFile[];
  batches: RecordBatch[] | null | undefined;
  settled: Promise<void>;
}

/**
 * Reads the many small files a compaction rewrites at the least cost per file, which is what such
 * a run spends its time on (a 100-row file's rows cost far less than opening and decoding it):
 * one synchronous read on a local store (its asynchronous get costs an open, a stat, a read and a
 * close, each a round trip through the thread pool), no footer read ahead of the decode (the whole
 * file is decoded in one call), and the table's schema conformed once per batch on a schema object
 * shared by all files, so that their batches can be joined without comparing schemas.
 * Only plain files qualify: no deletion vector, and no row tracking (whose ids the general reader
 * attaches).
 */
export class SmallFileReader {
  private readonly fields: readonly StructField[];
  private readonly stored: StructType;
  private readonly arrowSchema: Schema;
  private readonly partitionColumns: ReadonlySet<string>;
  private readonly rowTracking: boolean;
  /** The local folder the table's store reads from; other stores take the general reader. */
  private readonly localRoot: string | undefined;

  /** `parallelDecode`: long runs are decoded in the Parquet worker pool too (see readRun). */
  constructor(private readonly snapshot: Snapshot, private readonly parallelDecode = false) {
    this.fields = snapshot.schema.fields;
    this.partitionColumns = new Set(snapshot.partitionColumns);
    this.stored = { kind: 'struct', fields: this.fields.filter((f) => !this.partitionColumns.has(f.name)) };
    this.arrowSchema = toArrowSchema(snapshot.schema);
    this.rowTracking = rowTrackingEnabled(snapshot.metadata);
    this.localRoot = snapshot.store instanceof LocalFileStore ? snapshot.store.root : undefined;
  }

  accepts(file: AddFile): boolean {
    return this.localRoot !== undefined && file.size < SMALL_FILE_BYTES && !file.deletionVector && !this.rowTracking;
  }

  /**
   * The rows of consecutive files (each accepted by `accepts`) in order, decoded here one by one.
   * With `parallelDecode` a long run is cut into chunks: up to MAX_POOL_CHUNKS of them are decoded
   * at a time in the Parquet worker pool (joined into one batch each, see decodeJoined), and while
   * the next chunk in order is not back yet this thread decodes the following chunk itself instead
   * of waiting, so both cores decode and the split follows whichever is less busy. The rows keep
   * the files' order whichever thread decoded them. `onFileDone` follows each file whose rows were
   * all handed out.
   */
  async *readRun(files: readonly AddFile[], onFileDone?: (file: AddFile) => void): AsyncGenerator<RecordBatch> {
    if (!this.parallelDecode || files.length < POOL_MIN_FILES) {
      for (const file of files) {
        yield* this.read(file);
        onFileDone?.(file);
      }
      return;
    }
    const pool = parquetWorkerPool();
    const chunks = this.chunksOf(files);
    const entries: ChunkEntry[] = [];
    let next = 0;
    let inPool = 0;
    const issue = (chunk: AddFile[]): ChunkEntry => {
      const entry: ChunkEntry = { chunk, batches: undefined, settled: Promise.resolve() };
      const bytes = this.readChunk(chunk);
      if (!bytes) {
        entry.batches = chunk.flatMap((file) => this.read(file));
        return entry;
      }
      inPool++;
      entry.settled = pool.decodeFiles(bytes.data, bytes.ends).then(
        (table) => { entry.batches = this.conform(table, chunk[0] as AddFile); },
        // An unreadable file or a change of schema: decoded here one by one, which names the file.
        () => { entry.batches = null; },
      ).finally(() => { inPool--; });
      return entry;
    };
    while (entries.length > 0 || next < chunks.length) {
      while (inPool < MAX_POOL_CHUNKS && next < chunks.length) entries.push(issue(chunks[next++] as AddFile[]));
      const head = entries[0] as ChunkEntry;
      if (head.batches === undefined && next < chunks.length && entries.length < MAX_CHUNKS_AHEAD) {
        const chunk = chunks[next++] as AddFile[];
        entries.push({ chunk, batches: chunk.flatMap((file) => this.read(file)), settled: Promise.resolve() });
        continue;
      }
      await head.settled;
      entries.shift();
      yield* head.batches ?? head.chunk.flatMap((file) => this.read(file));
      for (const file of head.chunk) onFileDone?.(file);
    }
  }

  /** Every row of `file` (accepted by `accepts`), all table columns, logical names and types. */
  read(file: AddFile): RecordBatch[] {
    const path = resolveDataFilePath(file.path, this.snapshot.tableRoot);
    const bytes = this.readBytes(path);
    let table;
    try {
      table = decodeParquet(bytes);
    } catch (error) {
      if (error instanceof ParquetDecodeError) {
        throw new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
      }
      throw error;
    }
    return this.conform(table, file);
  }

  /** Decoded rows of `file` (or of files with its partition values) as the table's logical batches. */
  private conform(table: Table, file: AddFile): RecordBatch[] {
    const partitions = this.partitionColumns.size > 0 ? filePartitionValues(file, this.snapshot) : {};
    const struct = new Struct(table.schema.fields);
    const mode = this.snapshot.columnMappingMode;
    return table.batches.filter((batch) => batch.numRows > 0).map((batch) => {
      const length = batch.numRows;
      const conformed = conformData(new Data(struct, 0, length, 0, undefined, batch.data.children), this.stored, mode, '').children;
      let next = 0;
      const children = this.fields.map((field) => (this.partitionColumns.has(field.name)
        ? constantData(field.type, partitions[field.name] ?? null, length)
        : conformed[next++] as Data));
      return new RecordBatch(this.arrowSchema, new Data(new Struct(this.arrowSchema.fields), 0, length, 0, undefined, children));
    });
  }

  /** Consecutive files of equal partition values, at most CHUNK_FILES of them and about CHUNK_BYTES. */
  private chunksOf(files: readonly AddFile[]): AddFile[][] {
    const chunks: AddFile[][] = [];
    let chunk: AddFile[] = [];
    let bytes = 0;
    let key = '';
    for (const file of files) {
      const fileKey = this.partitionColumns.size > 0 ? JSON.stringify(file.partitionValues) : '';
      if (chunk.length > 0 && (fileKey !== key || chunk.length >= CHUNK_FILES || bytes + file.size > CHUNK_BYTES)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      key = fileKey;
      chunk.push(file);
      bytes += file.size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  /**
   * The files of a chunk back to back in one buffer (to be transferred to the worker), each read
   * with one synchronous read of the size the log gives; undefined when a file is not that size
   * (the chunk is then read file by file here, which reports what is wrong).
   */
  private readChunk(chunk: readonly AddFile[]): { data: Uint8Array; ends: number[] } | undefined {
    const data = new Uint8Array(chunk.reduce((n, f) => n + f.size, 0));
    const ends: number[] = [];
    let at = 0;
    for (const file of chunk) {
      const path = join(this.localRoot as string, resolveDataFilePath(file.path, this.snapshot.tableRoot));
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        return undefined;
      }
      try {
        if (readSync(fd, data, at, file.size, 0) !== file.size) return undefined;
      } catch {
        return undefined;
      } finally {
        closeSync(fd);
      }
      at += file.size;
      ends.push(at);
    }
    return { data, ends };
  }

  private readBytes(path: string): Uint8Array {
    try {
      // resolveDataFilePath keeps `path` inside the table root, which is the store's root.
      const buffer = readFileSync(join(this.localRoot as string, path));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (cause) {
      throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${this.snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
    }
  }
}
