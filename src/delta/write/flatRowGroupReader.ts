import { availableParallelism } from 'node:os';
import type { Table } from 'apache-arrow';
import { columnEncodingHints, type ColumnEncodingHint } from '../../parquet/flatEncoder/columnEncodingHints';
import { hasNativeZstd } from '../../parquet/flatDecoder/decodeFlatParquet';
import { planFlatRead } from '../../parquet/flatDecoder/flatParquetPlan';
import { readParquetFooter } from '../../parquet/flatDecoder/parquetFooter';
import { DecodeAllocations, recyclable, RecycledBuffers } from '../../parquet/flatDecoder/recycledBuffers';
import { decodeRowGroupRange, rowGroupRange, type RowGroupRange } from '../../parquet/flatDecoder/rowGroupRange';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import { parquetWorkerPool } from '../../parquet/parquetWorkerPool';
import type { ObjectStore } from '../../storage/objectStore';

const MAGIC = [0x50, 0x41, 0x52, 0x31];
/** Bytes read from a file's end to find its footer in one request (most footers are smaller). */
const TAIL_BYTES = 64 * 1024;
/**
 * Chunk bytes from which a row group is decoded in the Parquet worker pool: below, the decode takes
 * a few milliseconds, less than the message round trip.
 */
const POOL_MIN_RANGE_BYTES = 1 << 20;

/** Column buffers of row groups decoded on this thread and recycled (recycleTable), for the next decodes. */
const thisThreadBuffers = new RecycledBuffers();

/**
 * The chunk bytes of row groups decoded in the worker pool, read into shared memory reused from
 * group to group: fresh memory per group (~35 MiB in the writer bench) drove full GCs of this
 * thread and the worker's, and its page faults cost the reading thread.
 */
const poolRangeBytes = new RecycledBuffers(true);

/**
 * Whether a copy-on-write rewrite decodes its next row group in the worker pool while it writes the
 * current one (and DML rewrites files one apart, see rewriteFiles), by default: with a core for the
 * worker beside this thread. On two cores the worker competes with libuv's ZSTD work and the GC
 * threads, yet it moves decoding off this thread, the critical path, at no extra process CPU:
 * writer bench MERGE (1M into 10M), alternating runs: main thread 3.2 -> 1.9 s, process CPU
 * 6.2-6.8 s either way, wall 4.2-4.6 -> 3.7-3.9 s when the machine was otherwise idle (equal when
 * the other core was taken); DELETE 1%: main 2.5 -> 1.3 s, CPU ~5.1 s either way. It holds about
 * 100-150 MiB more (a second decoded group, the worker's heap and allocator arena): MERGE peak
 * ~790 -> ~900 MiB (delta-rs ~1050), DELETE ~595 -> ~700-750 MiB. One core: no worker.
 */
export function decodeAheadByDefault(): boolean {
  return availableParallelism() >= 2;
}

/** Whether a data file of `size` bytes may hold a row group that `read` decodes in the worker pool. */
export function mayDecodeInPool(size: number): boolean {
  return size >= POOL_MIN_RANGE_BYTES;
}

/**
 * Reads a flat Parquet file a row group at a time by byte range: its footer once, then for each
 * group only the column chunks asked for, decoded by the flat decoder (in the Parquet worker pool
 * when large). A rewrite then holds a group's chunks instead of the whole file (a 100 MiB data file is three 35 MiB groups), and a
 * pass over a few columns reads only theirs.
 */
export class FlatRowGroupReader {
  private constructor(
    private readonly store: ObjectStore,
    private readonly path: string,
    /** The footer behind the magic: what planFlatRead and readParquetFooter read. */
    private readonly footerFile: Uint8Array,
    readonly rowGroups: number[],
    /** How the file stores each top-level column (a rewrite writes its rows alike). */
    readonly encodings: ReadonlyMap<string, ColumnEncodingHint>,
  ) {}

  /**
   * Native ZSTD on libuv's threads when the addon loads (decodeFlatParquetNative): a rewrite's groups
   * are large (our own files are ZSTD), where it costs about 0.6x the WebAssembly decoder's CPU and
   * overlaps decoding.
   */
  private readonly nativeZstd = hasNativeZstd();

  /**
   * The reader of the file of `size` bytes at `path`, or undefined when its footer is not one the
   * flat decoder reads (then read the whole file). Fails as the store does for a missing file.
   */
  static async open(store: ObjectStore, path: string, size: number): Promise<FlatRowGroupReader | undefined> {
    if (size < 12) return undefined;
    let tail = await store.getRange(path, Math.max(0, size - TAIL_BYTES), size);
    if (tail.byteLength < 8) return undefined;
    const footerLength = new DataView(tail.buffer, tail.byteOffset + tail.byteLength - 8, 4).getUint32(0, true);
    if (footerLength + 12 > size) return undefined;
    if (footerLength + 8 > tail.byteLength) tail = await store.getRange(path, size - 8 - footerLength, size);
    const footerFile = new Uint8Array(MAGIC.length + footerLength + 8);
    footerFile.set(MAGIC);
    footerFile.set(tail.subarray(tail.byteLength - 8 - footerLength), MAGIC.length);
    const metadata = readParquetFooter(footerFile);
    if (metadata === undefined) return undefined;
    return new FlatRowGroupReader(store, path, footerFile, metadata.rowGroups.map((group) => group.numRows), columnEncodingHints(metadata));
  }

  /** Whether the flat decoder reads these (physical, top-level) columns of the file. */
  reads(columns: readonly string[]): boolean {
    return this.rowGroups.length === 0 || planFlatRead(this.footerFile, { columns, rowGroups: [0] }, this.nativeZstd) !== undefined;
  }

  /**
   * `columns` of row group `group`, in batches of `batchSize` rows; undefined when the flat decoder
   * cannot read them after all (a page the footer did not announce, a chunk outside the file):
   * the caller then decodes the whole file, which reads them or says why not. With `inPool`, a
   * large group is decoded in the Parquet worker pool, on another core (its buffers come back
   * moved): for a caller that reads the next group while it writes this one (see decodeAhead).
   * With `recycled`, the caller hands the table's column buffers back with recycleTable once done
   * with every batch of it, and the decode takes them from the buffers given back before; without,
   * fresh memory: a table never given back would take them out of the pool for good, and the next
   * recycled decode would allocate anew (MERGE's key pass, DELETE's predicate pass).
   */
  async read(columns: readonly string[], group: number, batchSize: number, inPool = false, recycled = false): Promise<Table | undefined> {
    const range = rowGroupRange(this.footerFile, columns, group);
    if (range === undefined) return undefined;
    const size = range.end - range.from;
    const pooled = inPool && size >= POOL_MIN_RANGE_BYTES;
    // Bytes for the pool go into reused shared memory when the store reads into a given buffer.
    const shared = pooled && this.store.getRangeInto ? poolRangeBytes.take(size, false) : undefined;
    try {
      const bytes = shared ? await this.bytesInto(range, shared) : await this.bytesOf(range);
      if (bytes === undefined) return undefined;
      if (pooled) {
        try {
          return await parquetWorkerPool().decodeRange(range, bytes, batchSize, recycled);
        } catch (error) {
          if (error instanceof ParquetDecodeError) return undefined;
          // No worker (an incomplete build): decode here, from bytes read again unless shared (the pool may have taken them).
          const again = shared ?? await this.bytesOf(range);
          return again && await this.decodeHere(range, again, batchSize, recycled);
        }
      }
      return await this.decodeHere(range, bytes, batchSize, recycled);
    } finally {
      // The worker, or this thread, is done with the bytes once the decode settled.
      if (shared) poolRangeBytes.give([shared.buffer]);
    }
  }

  private async bytesInto(range: RowGroupRange, into: Uint8Array): Promise<Uint8Array | undefined> {
    const read = await this.store.getRangeInto?.(this.path, range.from, into);
    return read === into.byteLength ? into : undefined;
  }

  private async bytesOf(range: RowGroupRange): Promise<Uint8Array | undefined> {
    if (range.end === range.from) return new Uint8Array(0);
    const bytes = await this.store.getRange(this.path, range.from, range.end);
    return bytes.byteLength === range.end - range.from ? bytes : undefined;
  }

  private async decodeHere(range: RowGroupRange, bytes: Uint8Array, batchSize: number, recycled: boolean): Promise<Table | undefined> {
    try {
      const allocations = new DecodeAllocations(recycled ? thisThreadBuffers : undefined);
      const table = await decodeRowGroupRange(range, bytes, batchSize, allocations);
      return table && recycled ? recyclable(table, () => thisThreadBuffers.give(allocations.taken)) : table;
    } catch {
      return undefined;
    }
  }
}
