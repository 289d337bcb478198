import type { Table } from 'apache-arrow';
import { columnEncodingHints, type ColumnEncodingHint } from '../../parquet/flatEncoder/columnEncodingHints';
import { decodeFlatParquet, decodeFlatParquetNative, hasNativeZstd } from '../../parquet/flatDecoder/decodeFlatParquet';
import type { ColumnChunkMeta } from '../../parquet/flatDecoder/fileMetadata';
import { planFlatRead, type FlatParquetPlan } from '../../parquet/flatDecoder/flatParquetPlan';
import { readParquetFooter } from '../../parquet/flatDecoder/parquetFooter';
import type { ObjectStore } from '../../storage/objectStore';

const MAGIC = [0x50, 0x41, 0x52, 0x31];
/** Bytes read from a file's end to find its footer in one request (most footers are smaller). */
const TAIL_BYTES = 64 * 1024;
/** Where a group's chunks start in the bytes decoded: above 0, which a footer's dictionary offset uses for "none". */
const CHUNKS_AT = MAGIC.length;

/**
 * Reads a flat Parquet file a row group at a time by byte range: its footer once, then for each
 * group only the column chunks asked for, decoded by the flat decoder. A rewrite then holds one
 * group's chunks instead of the whole file (a 100 MiB data file is three 35 MiB groups), and a
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
   * the caller then decodes the whole file, which reads them or says why not.
   */
  async read(columns: readonly string[], group: number, batchSize: number): Promise<Table | undefined> {
    const plan = planFlatRead(this.footerFile, { columns, rowGroups: [group] }, this.nativeZstd);
    const chunks = plan?.metadata.rowGroups[group]?.columns;
    if (plan === undefined || chunks === undefined) return undefined;
    const spans = plan.columns.map((column) => chunks[column.leafIndex]).filter((chunk) => chunk !== undefined).map(chunkSpan);
    if (spans.length === 0) return decodeFlatParquet(this.footerFile, plan, batchSize);
    const start = Math.min(...spans.map((span) => span.start));
    const end = Math.max(...spans.map((span) => span.end));
    // From CHUNKS_AT bytes before the first chunk (a file starts with its magic, so there are).
    const from = start - CHUNKS_AT;
    if (from < 0) return undefined;
    const bytes = await this.store.getRange(this.path, from, end);
    if (bytes.byteLength !== end - from) return undefined;
    try {
      return await decodeFlatParquetNative(bytes, rebased(plan, group, from), batchSize);
    } catch {
      return undefined;
    }
  }
}

/** Where a column chunk's pages lie in the file: from its dictionary page, if any, on. */
function chunkSpan(chunk: ColumnChunkMeta): { start: number; end: number } {
  const dictionary = chunk.dictionaryPageOffset;
  const start = dictionary !== undefined && dictionary > 0 && dictionary < chunk.dataPageOffset ? dictionary : chunk.dataPageOffset;
  return { start, end: start + chunk.totalCompressedSize };
}

/** The plan with group `group`'s chunk offsets moved down by `shift` (to the bytes read for it). */
function rebased(plan: FlatParquetPlan, group: number, shift: number): FlatParquetPlan {
  const rowGroups = plan.metadata.rowGroups.map((rowGroup, index) => (index !== group ? rowGroup : {
    ...rowGroup,
    columns: rowGroup.columns.map((chunk) => ({
      ...chunk,
      dataPageOffset: chunk.dataPageOffset - shift,
      dictionaryPageOffset: chunk.dictionaryPageOffset === undefined ? undefined : chunk.dictionaryPageOffset - shift,
    })),
  }));
  return { ...plan, metadata: { ...plan.metadata, rowGroups } };
}
