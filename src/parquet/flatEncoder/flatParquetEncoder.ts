import type { Data, RecordBatch, Schema } from 'apache-arrow';
import type { ParquetEncoder } from '../parquetFileEncoder';
import type { ParquetWriteOptions } from '../writeParquet';
import type { ColumnEncodingHint } from './columnEncodingHints';
import { CompactWriter, CT } from './compactWriter';
import { flatColumnFor, type ColumnBounds, type FlatColumn } from './flatColumn';
import { nativeZstd, type ZstdCompress } from './nativeZstd';
import { PageBuffers } from './pageBuffers';
import { encodeHybrid } from './rleHybrid';
import { RowRunsScratch } from './rowRuns';
import { ValueDictionary, type ValueRows } from './valueDictionary';
import { concatBytes } from '../../util/concatBytes';
import { dictionaryOverflowed, dictionaryRowsOf } from '../dictionaryRows';
import { DictionaryTranslation } from './dictionaryTranslation';

const MAGIC = Uint8Array.of(0x50, 0x41, 0x52, 0x31);
/** parquet.thrift `Encoding` and `CompressionCodec` values used here. */
const PLAIN = 0;
const RLE = 3;
const RLE_DICTIONARY = 8;
/** parquet.thrift `PageType`. */
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const UNCOMPRESSED = 0;
const ZSTD = 6;
/** Rows per data page: pages of a few hundred KiB keep readers' page buffers small. */
const PAGE_ROWS = 64 * 1024;
/** Rows per row group, as parquet-wasm's default. */
const DEFAULT_ROW_GROUP_ROWS = 1024 * 1024;
/** Pages of this many batch slices may be compressing while the next slice is encoded. */
const SLICES_IN_FLIGHT = 2;
/**
 * ZSTD level 2. delta-rs compresses at level 1 (deltalake's `WriterProperties(compression="ZSTD")`
 * and arrow-rs' `ZstdLevel` default), Spark (parquet-mr) at 3. On the writer bench's pages
 * (bench/writer/zstdLevels.ts, 1M rows, 63 MiB before ZSTD) levels 1 / 2 / 3 give 19.2 / 17.4 /
 * 16.6 MiB for 233 / 252 / 468 ms CPU: level 2 costs about what level 1 does and keeps our files
 * ~10% smaller than delta-rs' (level 1 would make them as large), level 3 nearly doubles ZSTD's CPU.
 */
const ZSTD_LEVEL = 2;
/** The longest string or binary bound written to a footer: long values (documents, blobs) would bloat it. */
const MAX_FOOTER_BOUND = 4096;
/**
 * A chunk's dictionary page stops growing past this PLAIN size (arrow-rs' default
 * dictionary_page_size_limit, parquet-mr's dictionary page size): the chunk's later pages are PLAIN.
 */
const DICTIONARY_LIMIT = 1024 * 1024;
/** Values probed, spread over the rows at hand, to tell a column whose values all differ (see `sampleDictionaries`). */
const SAMPLE_VALUES = 2048;

export interface FlatEncoderOptions {
  /** Compresses a page with ZSTD; undefined writes uncompressed pages. */
  zstd: ZstdCompress | undefined;
  rowGroupSize?: number;
  /**
   * The page body pool, shared by the encoders of one writer's files (one after another, or one
   * per open partition, all on one thread): a file then starts with the buffers the last one gave
   * back instead of allocating its own (about 19 MiB a file of the bench's rows). Its own when omitted.
   */
  buffers?: PageBuffers;
}

interface Page { header: Uint8Array; data: Uint8Array; uncompressed: number }

interface ChunkState {
  /** In file order; each settles once its page is compressed. */
  pages: Array<Promise<Page>>;
  values: number;
  nulls: number;
  /** The chunk's dictionary while it still takes values; kept (closed) once pages refer to it. */
  dictionary: ValueDictionary | undefined;
  dictionaryOpen: boolean;
  dictionaryPages: number;
  /** The bytes of the indices of the values the dictionary indexed. */
  indexBytes: number;
  /** Per dictionary the rows of a rewrite were decoded from, its entries' indices in `dictionary`. */
  translations: Map<Data, DictionaryTranslation>;
}

interface ChunkMeta {
  offset: number;
  dictionaryOffset: number | undefined;
  dataOffset: number;
  compressed: number;
  uncompressed: number;
  values: number;
  nulls: number;
  bounds: ColumnBounds | undefined;
}

/**
 * One column's statistics over the whole file, as the encoder saw its values: null count, min and
 * max as PLAIN bytes of `physicalType` (strings untruncated), and whether a NaN was left out of them.
 */
export interface FlatColumnStatistics {
  physicalType: number;
  nulls: number;
  bounds: ColumnBounds | undefined;
  sawNaN: boolean;
}

interface RowGroupMeta { rows: number; offset: number; chunks: ChunkMeta[] }

/**
 * The TypeScript encoder for a file of `schema` when it can write it: a flat schema, and ZSTD
 * with the native module loaded (or no compression). Undefined otherwise (nested types, other
 * codecs, no native ZSTD for this platform): the caller encodes through parquet-wasm. It decides
 * per chunk which columns take a dictionary: `options.plainColumns` is moot.
 */
export function flatParquetEncoder(schema: Schema, options: ParquetWriteOptions, buffers?: PageBuffers): FlatParquetEncoder | undefined {
  const compression = options.compression ?? 'zstd';
  if (compression !== 'zstd' && compression !== 'uncompressed') return undefined;
  const zstd = compression === 'zstd' ? nativeZstd() : undefined;
  if (compression === 'zstd' && !zstd) return undefined;
  const columns = flatColumns(schema);
  return columns && columns.length > 0 ? new FlatParquetEncoder(columns, { zstd, rowGroupSize: options.rowGroupSize, buffers }) : undefined;
}

/**
 * Whether `schema` is flat enough for `FlatParquetEncoder`: every top-level field is a primitive
 * it writes (no struct, list or map), and no two fields share a name.
 */
export function flatColumns(schema: Schema): FlatColumn[] | undefined {
  const columns: FlatColumn[] = [];
  for (const field of schema.fields) {
    const column = flatColumnFor(field);
    if (!column) return undefined;
    columns.push(column);
  }
  return new Set(columns.map((c) => c.name)).size === columns.length ? columns : undefined;
}

/** The chunk's dictionary takes no more values; it is dropped when no page used it yet. */
function closeDictionary(chunk: ChunkState): void {
  chunk.dictionaryOpen = false;
  if (chunk.dictionaryPages === 0) chunk.dictionary = undefined;
}

/**
 * A Parquet file written in TypeScript from the Arrow buffers of a flat schema: data pages (v1)
 * with RLE/bit-packed definition levels, RLE_DICTIONARY while a chunk's dictionary stays below
 * DICTIONARY_LIMIT (then PLAIN, as arrow-rs falls back), each page compressed with native ZSTD on
 * libuv's thread pool, and chunk statistics in the footer. It skips arrow-rs' copies into wasm
 * memory, which made most of our append's CPU.
 */
export class FlatParquetEncoder implements ParquetEncoder {
  private readonly out: Uint8Array[] = [MAGIC];
  private position = MAGIC.length;
  private readonly rowGroups: RowGroupMeta[] = [];
  private chunks: ChunkState[];
  private groupRows = 0;
  private readonly inFlight: Array<Promise<unknown>> = [];
  private readonly rowGroupSize: number;
  private aborted = false;
  private readonly fileStatistics: FlatColumnStatistics[];
  /** Columns whose dictionary did not pay earlier in this file: their chunks stay PLAIN. */
  private readonly plainOnly: boolean[];
  /** Data page bodies, reused once compressed (uncompressed bodies are the file's pages: never). */
  private readonly buffers: PageBuffers | undefined;
  /** Columns whose dictionary was judged once in this file (see `sampleDictionaries`). */
  private readonly sampled: boolean[];
  /** How each column was stored in the file a rewrite copies from, when known (see `preferEncodings`). */
  private readonly hints: Array<ColumnEncodingHint | undefined>;
  /** The runs of a page's selected rows, found once for all its columns. */
  private readonly runs = new RowRunsScratch();

  constructor(private readonly columns: readonly FlatColumn[], private readonly options: FlatEncoderOptions) {
    this.plainOnly = columns.map((c) => c.dictionaryKey === undefined);
    this.sampled = columns.map(() => false);
    this.hints = columns.map(() => undefined);
    this.buffers = options.zstd ? options.buffers ?? new PageBuffers() : undefined;
    this.chunks = this.emptyChunks();
    this.rowGroupSize = Math.max(1, options.rowGroupSize ?? DEFAULT_ROW_GROUP_ROWS);
    this.fileStatistics = columns.map((c) => ({ physicalType: c.physicalType, nulls: 0, bounds: undefined, sawNaN: false }));
  }

  /** Rows in the row groups closed so far (all of them after `finish`). */
  get rows(): number {
    return this.rowGroups.reduce((n, g) => n + g.rows, 0);
  }

  /**
   * Per column, in schema order, the statistics of the rows in the row groups closed so far (all
   * of them after `finish`): what a table format's own file statistics can be made from without
   * a second pass over the values.
   */
  columnStatistics(): readonly FlatColumnStatistics[] {
    return this.fileStatistics;
  }

  /**
   * Takes, by column name, how the file whose rows are about to be written stored each column (a
   * copy-on-write rewrite's source): the first guess of columns not judged yet in this file. A
   * rewrite's batches lose the rows it drops, so its first write rarely brings the PAGE_ROWS rows
   * the sample needs to tell a column whose values all differ; without the hint every such column
   * would try a dictionary for a whole row group and grow the file (a 300,000-row file with
   * unique ids and amounts, 983 KiB, came out at 1.5 MiB after deleting 1,000 rows).
   */
  preferEncodings(hints: ReadonlyMap<string, ColumnEncodingHint>): void {
    for (const [i, column] of this.columns.entries()) {
      if (!this.sampled[i]) this.hints[i] = hints.get(column.name);
    }
  }

  /**
   * Writes the rows of `batch`, or only those whose byte in `keep` is 1: the rows a copy-on-write
   * rewrite keeps are encoded straight from the batch it read, never copied into a batch first.
   */
  async write(batch: RecordBatch, keep?: Uint8Array): Promise<void> {
    if (this.aborted) throw new Error('FlatParquetEncoder: aborted');
    const rowList = keep ? takeRowList(batch.numRows) : undefined;
    try {
      await this.writeRows(batch, rowList && keep ? selectedRows(keep, batch.numRows, rowList) : undefined);
    } finally {
      if (rowList) spareRowList = rowList;
    }
  }

  private async writeRows(batch: RecordBatch, selection: Int32Array | undefined): Promise<void> {
    const total = selection ? selection.length : batch.numRows;
    let at = 0;
    while (at < total) {
      if (this.groupRows === 0) this.sampleDictionaries(batch, selection, at, Math.min(total - at, this.rowGroupSize));
      const rows = Math.min(total - at, PAGE_ROWS, this.rowGroupSize - this.groupRows);
      const columns = batch.data.children;
      if (selection) this.writePages(columns, selection.subarray(at, at + rows));
      // Each column sliced alone: RecordBatch.slice also rebuilds the struct and checks every child's length.
      else this.writePages(at === 0 && rows === batch.numRows ? columns : columns.map((data) => data.slice(at, rows)), undefined);
      // Backpressure: the JS thread encodes the next slice while libuv's threads compress.
      while (this.inFlight.length > SLICES_IN_FLIGHT) await this.inFlight.shift();
      at += rows;
      this.groupRows += rows;
      if (this.groupRows === this.rowGroupSize) await this.closeRowGroup();
    }
  }

  async finish(): Promise<Uint8Array> {
    return concatBytes(await this.finishParts());
  }

  /**
   * The parts of the row groups closed since the last call (the magic first), handed out for
   * good: a store that writes them now (ObjectStore.openWrite) keeps memory to the row group
   * being encoded. Empty until the first row group closes. `finishParts` then returns the rest.
   */
  takeClosedParts(): Uint8Array[] {
    return this.rowGroups.length === 0 ? [] : this.out.splice(0);
  }

  /**
   * Closes the file and returns its bytes as the parts they were made in (magic, page headers and
   * bodies, footer), in file order: a store that writes them one after the other (one `writev`)
   * spares the copy of the whole file into one buffer, and that buffer's memory. Parts that
   * `takeClosedParts` handed out already are not among them.
   */
  async finishParts(): Promise<Uint8Array[]> {
    if (this.groupRows > 0) await this.closeRowGroup();
    if (this.rowGroups.length === 0) throw new RangeError('FlatParquetEncoder.finish needs at least one non-empty batch.');
    const footer = this.footer();
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setUint32(0, footer.length, true);
    tail.set(MAGIC, 4);
    const parts = [...this.out, footer, tail];
    this.out.length = 0;
    return parts;
  }

  abort(): void {
    this.aborted = true;
    this.out.length = 0;
    this.chunks = [];
  }

  /**
   * One data page per column of `columns` (a batch's children, or slices of them), or for their
   * rows listed in `selected` (at most PAGE_ROWS rows), compressed concurrently.
   */
  private writePages(columns: readonly Data[], selected: Int32Array | undefined): void {
    const runs = selected ? this.runs.of(selected) : undefined;
    const pages = this.columns.map((column, i) => {
      const data = columns[i] as Data;
      const count = selected ? selected.length : data.length;
      const validity = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : undefined;
      const nulls = validity ? (selected ? nullsIn(validity, data.offset, selected) : data.nullCount) : 0;
      if (nulls > 0 && !column.optional) throw new RangeError(`Column ${column.name} is not nullable but holds ${nulls} null(s).`);
      const levels = column.optional ? definitionLevels(data, selected, nulls) : undefined;
      const prefix = levels?.length ?? 0;
      const chunk = this.chunks[i] as ChunkState;
      chunk.values += count;
      chunk.nulls += nulls;
      const rows: ValueRows = { length: data.length, validity, bitOffset: data.offset, rows: selected, runs };
      const indexed = this.dictionaryEncoded(i, column, chunk, data, rows, count - nulls, prefix);
      const body = indexed ?? column.encode(data, prefix, selected, this.buffers, runs).body;
      if (levels) body.set(levels);
      const page = this.page(body, count, indexed ? RLE_DICTIONARY : PLAIN);
      chunk.pages.push(page);
      return page;
    });
    const all = Promise.all(pages);
    // Awaited later (backpressure, closing the row group); a failure meanwhile is not unhandled.
    all.catch(() => undefined);
    this.inFlight.push(all);
  }

  /**
   * Gives up the dictionary of every column whose values all differ: SAMPLE_VALUES rows spread
   * pseudo-randomly over the `count` rows from `at` (those of the row group starting there) hold
   * no value twice. Were the column's distinct values few enough for a dictionary under
   * DICTIONARY_LIMIT (at most 262,144 of 4 bytes, 131,072 of 8), such a sample would repeat some
   * (the birthday bound: P(no repeat) < e^-8). Those columns (primary keys, measurements) then
   * skip the hashing of ~128K values and the dictionary pages that did not pay. Judged once per
   * file and column, over at least PAGE_ROWS rows: a shorter run could be all distinct and yet
   * repeat over the chunk (a column of 65,537 values cycling). A column whose values repeat only
   * beyond the rows at hand is the one this misjudges; it is then written PLAIN.
   *
   * A hint (see `preferEncodings`) settles what a short run cannot: a column its source stored
   * with a dictionary keeps trying one; one stored PLAIN stays PLAIN unless the rows at hand (up to
   * SAMPLE_VALUES of them, however few) repeat a value, which a writer without dictionaries would
   * also have stored PLAIN.
   */
  private sampleDictionaries(batch: RecordBatch, selection: Int32Array | undefined, at: number, count: number): void {
    let rows: Int32Array | undefined;
    for (const [i, column] of this.columns.entries()) {
      const chunk = this.chunks[i] as ChunkState;
      const key = column.dictionaryKey;
      const hint = this.hints[i];
      if (this.sampled[i] || !chunk.dictionary || key === undefined || !column.dictionarySource) continue;
      if (hint === undefined && count < PAGE_ROWS) continue;
      this.sampled[i] = true;
      if (hint === 'dictionary') continue;
      rows ??= sampleRows(selection, at, count);
      const data = batch.data.children[i] as Data;
      const validity = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0 ? data.nullBitmap : undefined;
      const probe = new ValueDictionary(key);
      const indices = probe.indicesOf(column.dictionarySource(data), { length: data.length, validity, bitOffset: data.offset, rows, runs: undefined }, Infinity);
      const enough = hint === 'plain' ? 1 : SAMPLE_VALUES / 2;
      if (indices && indices.length >= enough && probe.size === indices.length) {
        this.plainOnly[i] = true;
        chunk.dictionary = undefined;
      }
    }
  }

  /**
   * The page body with the page's values as indices into the chunk's dictionary (levels, bit
   * width, RLE/bit-packed indices), hashed straight from the Arrow column, or undefined to write
   * it PLAIN: the column has no dictionary (or no longer one), or this page would grow it past
   * DICTIONARY_LIMIT. Pages already indexed keep the dictionary; the chunk's later pages are PLAIN
   * (the fallback of arrow-rs and parquet-mr). A dictionary that reached its limit without paying
   * (index bytes plus dictionary no smaller than PLAIN, as parquet-mr measures it) is not tried
   * again in this file.
   *
   * Rows a rewrite decoded from a chunk whose dictionary filled up (see DecodedStorage; unique ids,
   * amounts and times in delta-rs' files) end the chunk's dictionary at once: it would fill up in
   * turn, after hashing ~130K values into pages that did not pay. Checked per page, not when the
   * row group starts: a MERGE writes its updated rows (computed, unmarked) into the same file,
   * often first.
   */
  private dictionaryEncoded(i: number, column: FlatColumn, chunk: ChunkState, data: Data, rows: ValueRows, count: number, prefix: number): Uint8Array | undefined {
    const dictionary = chunk.dictionary;
    // A page of nulls only is PLAIN (its levels alone): no page indexes an empty dictionary.
    const key = column.dictionaryKey;
    if (!dictionary || !chunk.dictionaryOpen || count === 0 || !column.dictionarySource || key === undefined) return undefined;
    if (dictionaryOverflowed(data)) {
      closeDictionary(chunk);
      return undefined;
    }
    // Rows a rewrite decoded from a dictionary are translated from their entries, not hashed again.
    const decoded = dictionaryRowsOf(data);
    let translation = decoded && chunk.translations.get(decoded.dictionary);
    if (decoded && !translation) {
      translation = new DictionaryTranslation(column.dictionarySource(decoded.dictionary), decoded.dictionary.length, key);
      chunk.translations.set(decoded.dictionary, translation);
    }
    const indices = decoded && translation
      ? translation.indicesOf(dictionary, decoded.indices, rows, DICTIONARY_LIMIT, data.valueOffsets as ArrayLike<number> | undefined)
      : dictionary.indicesOf(column.dictionarySource(data), rows, DICTIONARY_LIMIT);
    if (!indices) {
      if (chunk.indexBytes + dictionary.byteSize >= dictionary.plainBytes) this.plainOnly[i] = true;
      closeDictionary(chunk);
      return undefined;
    }
    const bitWidth = dictionary.bitWidth();
    chunk.indexBytes += Math.ceil((count * bitWidth) / 8);
    chunk.dictionaryPages++;
    const out = encodeHybrid(indices, count, bitWidth, prefix + 1, this.buffers);
    out[prefix] = bitWidth;
    return out;
  }

  private async page(body: Uint8Array, values: number, encoding: number): Promise<Page> {
    const compressed = this.options.zstd ? await this.options.zstd(body, ZSTD_LEVEL) : body;
    if (compressed !== body) this.buffers?.give(body.buffer);
    const header = new CompactWriter()
      .i32(1, DATA_PAGE)
      .i32(2, body.length)
      .i32(3, compressed.length)
      .struct(5).i32(1, values).i32(2, encoding).i32(3, RLE).i32(4, RLE).endStruct()
      .endStruct()
      .result();
    return { header, data: compressed, uncompressed: header.length + body.length };
  }

  /** The dictionary page of a chunk: its entries, PLAIN. */
  private async dictionaryPage(dictionary: ValueDictionary): Promise<Page> {
    const body = dictionary.page();
    const compressed = this.options.zstd ? await this.options.zstd(body, ZSTD_LEVEL) : body;
    const header = new CompactWriter()
      .i32(1, DICTIONARY_PAGE)
      .i32(2, body.length)
      .i32(3, compressed.length)
      .struct(7).i32(1, dictionary.size).i32(2, PLAIN).endStruct()
      .endStruct()
      .result();
    return { header, data: compressed, uncompressed: header.length + body.length };
  }

  private emptyChunks(): ChunkState[] {
    return this.columns.map((column, i) => {
      const key = column.dictionaryKey;
      const dictionary = key !== undefined && !this.plainOnly[i] ? new ValueDictionary(key) : undefined;
      return { pages: [], values: 0, nulls: 0, dictionary, dictionaryOpen: true, dictionaryPages: 0, indexBytes: 0, translations: new Map() };
    });
  }

  private async closeRowGroup(): Promise<void> {
    const group: RowGroupMeta = { rows: this.groupRows, offset: this.position, chunks: [] };
    const chunks = this.chunks;
    this.chunks = this.emptyChunks();
    this.groupRows = 0;
    for (const [i, column] of this.columns.entries()) {
      const { dictionary, dictionaryPages } = chunks[i] as ChunkState;
      if (dictionary && dictionaryPages > 0) column.foldBounds?.(dictionary.page(), dictionary.size);
    }
    const bounds = this.columns.map((column) => column.takeBounds());
    this.columns.forEach((column, i) => this.addToFileStatistics(column, i, (chunks[i] as ChunkState).nulls, bounds[i]));
    for (const [i, chunk] of chunks.entries()) {
      const dictionary = chunk.dictionary && chunk.dictionaryPages > 0 ? this.dictionaryPage(chunk.dictionary) : undefined;
      const pages = await Promise.all(dictionary ? [dictionary, ...chunk.pages] : chunk.pages);
      const meta: ChunkMeta = {
        offset: this.position, dictionaryOffset: dictionary ? this.position : undefined, dataOffset: this.position,
        compressed: 0, uncompressed: 0, values: chunk.values, nulls: chunk.nulls, bounds: bounds[i],
      };
      if (dictionary) meta.dataOffset += (pages[0] as Page).header.length + (pages[0] as Page).data.length;
      for (const page of pages) {
        this.out.push(page.header, page.data);
        meta.compressed += page.header.length + page.data.length;
        meta.uncompressed += page.uncompressed;
      }
      this.position += meta.compressed;
      group.chunks.push(meta);
    }
    this.inFlight.length = 0;
    this.rowGroups.push(group);
  }

  private addToFileStatistics(column: FlatColumn, i: number, nulls: number, bounds: ColumnBounds | undefined): void {
    const file = this.fileStatistics[i] as FlatColumnStatistics;
    file.nulls += nulls;
    file.sawNaN = column.sawNaN;
    if (!bounds) return;
    if (!file.bounds) file.bounds = { ...bounds };
    else {
      if (column.compareBounds(bounds.min, file.bounds.min) < 0) file.bounds.min = bounds.min;
      if (column.compareBounds(bounds.max, file.bounds.max) > 0) file.bounds.max = bounds.max;
    }
  }

  /** parquet.thrift FileMetaData. */
  private footer(): Uint8Array {
    const w = new CompactWriter();
    w.i32(1, 1);
    w.list(2, CT.STRUCT, this.columns.length + 1);
    w.beginStruct().string(4, 'schema').i32(5, this.columns.length).endStruct();
    for (const column of this.columns) {
      w.beginStruct().i32(1, column.physicalType).i32(3, column.optional ? 1 : 0).string(4, column.name);
      column.writeSchemaFields(w);
      w.endStruct();
    }
    w.i64(3, this.rowGroups.reduce((n, g) => n + g.rows, 0));
    w.list(4, CT.STRUCT, this.rowGroups.length);
    this.rowGroups.forEach((group, ordinal) => {
      w.beginStruct().list(1, CT.STRUCT, group.chunks.length);
      group.chunks.forEach((chunk, i) => {
        const column = this.columns[i] as FlatColumn;
        w.beginStruct().i64(2, chunk.offset).struct(3).i32(1, column.physicalType);
        // PLAIN for the dictionary page and any page after a fallback, RLE for the levels.
        if (chunk.dictionaryOffset === undefined) w.list(2, CT.I32, 2).elementI32(PLAIN).elementI32(RLE);
        else w.list(2, CT.I32, 3).elementI32(PLAIN).elementI32(RLE).elementI32(RLE_DICTIONARY);
        w.list(3, CT.BINARY, 1).elementString(column.name)
          .i32(4, this.options.zstd ? ZSTD : UNCOMPRESSED)
          .i64(5, chunk.values)
          .i64(6, chunk.uncompressed)
          .i64(7, chunk.compressed)
          .i64(9, chunk.dataOffset);
        if (chunk.dictionaryOffset !== undefined) w.i64(11, chunk.dictionaryOffset);
        w.struct(12).i64(3, chunk.nulls);
        const { bounds } = chunk;
        if (bounds && bounds.min.length <= MAX_FOOTER_BOUND && bounds.max.length <= MAX_FOOTER_BOUND) w.binary(5, bounds.max).binary(6, bounds.min);
        w.endStruct().endStruct().endStruct();
      });
      const total = group.chunks.reduce((n, c) => n + c.uncompressed, 0);
      const compressed = group.chunks.reduce((n, c) => n + c.compressed, 0);
      w.i64(2, total).i64(3, group.rows).i64(5, group.offset).i64(6, compressed).i32(7, ordinal).endStruct();
    });
    w.string(6, 'lakehouse-studio');
    // TYPE_ORDER for every column: readers may then trust min_value/max_value.
    w.list(7, CT.STRUCT, this.columns.length);
    for (let i = 0; i < this.columns.length; i++) w.beginStruct().struct(1).endStruct().endStruct();
    w.endStruct();
    return w.result().slice();
  }
}

/**
 * The array a write lists its kept rows in while no write uses it (encoders of one thread take
 * turns; one started meanwhile makes its own): 4 MiB of new memory a million-row batch of a
 * rewrite otherwise, counted towards V8's external memory that sets off full garbage collections.
 */
let spareRowList: Int32Array | undefined;

/** An array of at least `rows` values for `selectedRows`, the spare one when free and large enough. */
function takeRowList(rows: number): Int32Array {
  const spare = spareRowList;
  spareRowList = undefined;
  return spare && spare.length >= rows ? spare : new Int32Array(rows);
}

/** Four bytes of 1 in a 32-bit word: four kept rows. */
const FOUR_KEPT = 0x01010101;

/**
 * The rows whose byte in `keep` is 1, ascending, at the start of `selected`. Four bytes at a time
 * where the mask is word-aligned: a rewrite keeps most rows, and a word of four kept rows takes one
 * test instead of four (microbenchmark, 1% of 10M rows dropped: ~13 -> ~8 ms).
 */
function selectedRows(keep: Uint8Array, rows: number, selected: Int32Array): Int32Array {
  let k = 0;
  let row = 0;
  if (keep.byteOffset % 4 === 0) {
    const words = new Int32Array(keep.buffer, keep.byteOffset, rows >> 2);
    for (let w = 0; w < words.length; w++, row += 4) {
      if (words[w] === FOUR_KEPT) {
        selected[k] = row;
        selected[k + 1] = row + 1;
        selected[k + 2] = row + 2;
        selected[k + 3] = row + 3;
        k += 4;
        continue;
      }
      for (let r = row; r < row + 4; r++) if (keep[r] === 1) selected[k++] = r;
    }
  }
  for (; row < rows; row++) if (keep[row] === 1) selected[k++] = row;
  return selected.subarray(0, k);
}

function nullsIn(validity: Uint8Array, bitOffset: number, rows: Int32Array): number {
  let nulls = 0;
  for (const row of rows) if (((validity[(bitOffset + row) >> 3] as number) & (1 << ((bitOffset + row) & 7))) === 0) nulls++;
  return nulls;
}

/**
 * The definition levels of an optional column (max level 1) in the RLE/bit-packed hybrid, with
 * their 4-byte length: one RLE run of 1s without nulls, else one bit-packed run whose bits are
 * the Arrow validity bitmap (both least significant bit first), of the `selected` rows only when given.
 */
function definitionLevels(data: Data, selected: Int32Array | undefined, nulls: number): Uint8Array {
  const n = selected ? selected.length : data.length;
  if (nulls === 0) {
    const run = varint(n * 2);
    const out = new Uint8Array(4 + run.length + 1);
    new DataView(out.buffer).setUint32(0, run.length + 1, true);
    out.set(run, 4);
    out[4 + run.length] = 1;
    return out;
  }
  const groups = Math.ceil(n / 8);
  const header = varint(groups * 2 + 1);
  const out = new Uint8Array(4 + header.length + groups);
  new DataView(out.buffer).setUint32(0, header.length + groups, true);
  out.set(header, 4);
  const bitmap = data.nullBitmap as Uint8Array;
  const base = 4 + header.length;
  if (selected) {
    for (let k = 0; k < n; k++) {
      const bit = data.offset + (selected[k] as number);
      if (((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0) out[base + (k >> 3)] = (out[base + (k >> 3)] as number) | (1 << (k & 7));
    }
    return out;
  }
  const shift = data.offset & 7;
  const first = data.offset >> 3;
  for (let g = 0; g < groups; g++) {
    const lo = bitmap[first + g] ?? 0;
    out[base + g] = shift === 0 ? lo : ((lo >> shift) | ((bitmap[first + g + 1] ?? 0) << (8 - shift))) & 0xff;
  }
  // Bits past the last value are padding: cleared.
  const tail = n & 7;
  if (tail !== 0) out[base + groups - 1] = (out[base + groups - 1] as number) & ((1 << tail) - 1);
  return out;
}

/**
 * SAMPLE_VALUES distinct rows, ascending, one at a pseudo-random place in each of SAMPLE_VALUES
 * equal stretches of rows `[at, at + count)` (positions in `selection` when given): not evenly
 * spaced, whose fixed stride could miss every repeat of a column whose values cycle. All of them
 * when there are no more than SAMPLE_VALUES.
 */
function sampleRows(selection: Int32Array | undefined, at: number, count: number): Int32Array {
  if (count <= SAMPLE_VALUES) return selection ? selection.slice(at, at + count) : Int32Array.from({ length: count }, (_, k) => at + k);
  const rows = new Int32Array(SAMPLE_VALUES);
  const stretch = count / SAMPLE_VALUES;
  let state = 0x2545f491;
  for (let k = 0; k < SAMPLE_VALUES; k++) {
    // xorshift32: a fixed sequence, so a file is written the same way every time.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    // Within the stretch's whole rows: two places in one row would count its value twice.
    const from = Math.floor(k * stretch);
    const position = at + from + Math.floor(((state >>> 0) / 0x1_0000_0000) * (Math.floor((k + 1) * stretch) - from));
    rows[k] = selection ? (selection[position] as number) : position;
  }
  return rows;
}

function varint(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Uint8Array.from(bytes);
}
