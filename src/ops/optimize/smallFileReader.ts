import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
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
import { decodeBackToBack } from '../../parquet/decodeJoined';
import { parquetWorkerPool } from '../../parquet/parquetWorkerPool';
import { decodeParquet } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import { LocalFileStore } from '../../storage/localFileStore';
import { concatBytes } from '../../util/concatBytes';

/** Below this size a data file is read and decoded whole, in one call each (its rows are few). */
const SMALL_FILE_BYTES = 1 << 20;
/** Shorter runs of small files are decoded on this thread: the pool's worker start costs more. */
const POOL_MIN_FILES = 64;
/** Files, and their bytes, decoded in one pool request. */
const POOL_CHUNK_FILES = 256;
const POOL_CHUNK_BYTES = 2 << 20;
/**
 * Files, and their bytes, decoded here into one joined batch (decodeJoined): enough to spread the
 * per-call costs (one native ZSTD call, one batch, one conform) over many files, few enough that the
 * batch stays under the 1 MiB from which the writer would encode in the Parquet worker pool.
 */
const CHUNK_FILES = 128;
const CHUNK_BYTES = 512 * 1024;
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
 * one synchronous read per file on a local store (its asynchronous get costs an open, a stat, a read
 * and a close, each a round trip through the thread pool), the files of a chunk decoded together
 * into one batch (decodeJoined: their ZSTD pages in one native call off this thread, while the
 * previous chunk's rows are handed on), and the table's schema conformed once per chunk on a schema
 * object shared by all files, so that their batches can be joined without comparing schemas.
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
   * The rows of consecutive files (each accepted by `accepts`) in order, in chunks decoded together
   * (decodeJoined), the next chunk read and its pages decompressing while this one's rows are
   * handed out. With `parallelDecode` a long run is cut into larger chunks: up to MAX_POOL_CHUNKS of
   * them are decoded at a time in the Parquet worker pool, and while the next chunk in order is not
   * back yet this thread decodes the following chunk itself instead of waiting, so both cores decode
   * and the split follows whichever is less busy. The rows keep the files' order whichever thread
   * decoded them. `onFileDone` follows each file whose rows were all handed out.
   */
  async *readRun(files: readonly AddFile[], onFileDone?: (file: AddFile) => void): AsyncGenerator<RecordBatch> {
    if (this.parallelDecode && files.length >= POOL_MIN_FILES) {
      yield* this.readRunPooled(files, onFileDone);
      return;
    }
    const chunks = this.chunksOf(files, CHUNK_FILES, CHUNK_BYTES);
    let next: Promise<RecordBatch[]> | undefined;
    for (const [index, chunk] of chunks.entries()) {
      const batches = await (next ?? this.decodeChunk(chunk));
      const following = chunks[index + 1];
      next = following ? this.decodeChunk(following) : undefined;
      // Raised when its turn comes; until then it must not be unhandled.
      next?.catch(() => undefined);
      yield* batches;
      for (const file of chunk) onFileDone?.(file);
    }
  }

  private async *readRunPooled(files: readonly AddFile[], onFileDone?: (file: AddFile) => void): AsyncGenerator<RecordBatch> {
    const pool = parquetWorkerPool();
    const chunks = this.chunksOf(files, POOL_CHUNK_FILES, POOL_CHUNK_BYTES);
    const entries: ChunkEntry[] = [];
    let next = 0;
    let inPool = 0;
    const issue = (chunk: AddFile[]): ChunkEntry => {
      const entry: ChunkEntry = { chunk, batches: undefined, settled: Promise.resolve() };
      const bytes = this.readChunk(chunk);
      inPool++;
      entry.settled = pool.decodeFiles(bytes.data, bytes.ends).then(
        (table) => { entry.batches = this.conform(table.batches, chunk[0] as AddFile); },
        // An unreadable file or a change of schema: decoded here, which names the file.
        () => { entry.batches = null; },
      ).finally(() => { inPool--; });
      return entry;
    };
    const local = (chunk: AddFile[]): ChunkEntry => {
      const entry: ChunkEntry = { chunk, batches: undefined, settled: Promise.resolve() };
      entry.settled = this.decodeChunk(chunk).then((batches) => { entry.batches = batches; });
      return entry;
    };
    while (entries.length > 0 || next < chunks.length) {
      while (inPool < MAX_POOL_CHUNKS && next < chunks.length) entries.push(issue(chunks[next++] as AddFile[]));
      const head = entries[0] as ChunkEntry;
      if (head.batches === undefined && next < chunks.length && entries.length < MAX_CHUNKS_AHEAD) {
        const entry = local(chunks[next++] as AddFile[]);
        entries.push(entry);
        await entry.settled;
        continue;
      }
      await head.settled;
      entries.shift();
      yield* head.batches ?? await this.decodeChunk(head.chunk);
      for (const file of head.chunk) onFileDone?.(file);
    }
  }

  /** Every row of `file` (accepted by `accepts`), all table columns, logical names and types. */
  read(file: AddFile): RecordBatch[] {
    const { data, ends } = this.readChunk([file]);
    const bytes = data.subarray(0, ends[0]);
    let table;
    try {
      table = decodeParquet(bytes);
    } catch (error) {
      if (error instanceof ParquetDecodeError) throw this.unreadable(file, error);
      throw error;
    }
    return this.conform(table.batches, file);
  }

  /**
   * The rows of a chunk's files (of one partition) as joined batches; a file that cannot be decoded
   * is named in the error (the chunk is then decoded file by file to find it).
   */
  private async decodeChunk(chunk: readonly AddFile[]): Promise<RecordBatch[]> {
    const { data, ends } = this.readChunk(chunk);
    let batches: RecordBatch[];
    try {
      batches = await decodeBackToBack(data, ends);
    } catch (error) {
      if (!(error instanceof ParquetDecodeError)) throw error;
      return chunk.flatMap((file) => this.read(file));
    }
    return this.conform(batches, chunk[0] as AddFile);
  }

  /** Decoded rows of `file` (or of files with its partition values) as the table's logical batches. */
  private conform(batches: readonly RecordBatch[], file: AddFile): RecordBatch[] {
    const partitions = this.partitionColumns.size > 0 ? filePartitionValues(file, this.snapshot) : {};
    const mode = this.snapshot.columnMappingMode;
    return batches.filter((batch) => batch.numRows > 0).map((batch) => {
      const length = batch.numRows;
      const struct = new Struct(batch.schema.fields);
      const conformed = conformData(new Data(struct, 0, length, 0, undefined, batch.data.children), this.stored, mode, '').children;
      let next = 0;
      const children = this.fields.map((field) => (this.partitionColumns.has(field.name)
        ? constantData(field.type, partitions[field.name] ?? null, length)
        : conformed[next++] as Data));
      return new RecordBatch(this.arrowSchema, new Data(new Struct(this.arrowSchema.fields), 0, length, 0, undefined, children));
    });
  }

  /** Consecutive files of equal partition values, at most `maxFiles` of them and about `maxBytes`. */
  private chunksOf(files: readonly AddFile[], maxFiles: number, maxBytes: number): AddFile[][] {
    const chunks: AddFile[][] = [];
    let chunk: AddFile[] = [];
    let bytes = 0;
    let key = '';
    for (const file of files) {
      const fileKey = this.partitionColumns.size > 0 ? JSON.stringify(file.partitionValues) : '';
      if (chunk.length > 0 && (fileKey !== key || chunk.length >= maxFiles || bytes + file.size > maxBytes)) {
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
   * The files of a chunk back to back in one buffer (file i ends at `ends[i]`), each read with one
   * synchronous read of the size the log gives and one byte more, which tells a longer file (an
   * open, a read and a close: no stat); the chunk is read again whole when a file has another size.
   */
  private readChunk(chunk: readonly AddFile[]): { data: Uint8Array; ends: number[] } {
    const paths = chunk.map((file) => resolveDataFilePath(file.path, this.snapshot.tableRoot));
    // One spare byte: each read asks for one more than its file's size (the next file's read overwrites it).
    const data = new Uint8Array(chunk.reduce((n, f) => n + f.size, 0) + 1);
    const ends: number[] = [];
    let at = 0;
    for (const [i, file] of chunk.entries()) {
      const path = paths[i] as string;
      let read: number;
      try {
        // resolveDataFilePath keeps `path` inside the table root, which is the store's root.
        const fd = openSync(join(this.localRoot as string, path), 'r');
        try {
          read = readSync(fd, data, at, file.size + 1, 0);
        } finally {
          closeSync(fd);
        }
      } catch (cause) {
        throw this.missing(path, cause);
      }
      if (read !== file.size) return this.readWhole(paths);
      at += file.size;
      ends.push(at);
    }
    return { data, ends };
  }

  /** The files at `paths` read whole, whatever size the log gives them (it is wrong for one of them). */
  private readWhole(paths: readonly string[]): { data: Uint8Array; ends: number[] } {
    const buffers = paths.map((path) => {
      try {
        return readFileSync(join(this.localRoot as string, path));
      } catch (cause) {
        throw this.missing(path, cause);
      }
    });
    let at = 0;
    const ends = buffers.map((buffer) => (at += buffer.byteLength));
    return { data: concatBytes(buffers), ends };
  }

  private missing(path: string, cause: unknown): DeltaError {
    return new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${this.snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
  }

  private unreadable(file: AddFile, error: ParquetDecodeError): DeltaError {
    const path = resolveDataFilePath(file.path, this.snapshot.tableRoot);
    return new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
  }
}
