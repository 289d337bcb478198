import { makeData, RecordBatch, Struct, Table, Type, type Data } from 'apache-arrow';
import { columnData, dictionaryData, type DecodedColumn } from './arrowColumnData';
import { decodeColumnChunk } from './columnChunkDecoder';
import { DecimalIntColumn } from './decimalIntColumn';
import { chunkHasDictionary, type ColumnChunkMeta } from './fileMetadata';
import type { FlatParquetPlan, PlannedColumn } from './flatParquetPlan';
import { PHYSICAL } from './leafArrowType';
import { nativeZstdDecompress, type ZstdDecompress } from './nativeZstdDecompress';
import { decompressChunkPages, NATIVE_MIN_PAGE_BYTES, type DecompressedPages } from './pagePrefetch';
import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';
import { BooleanColumn, ByteArrayColumn, DecimalBytesColumn, FixedWidthColumn, type PhysicalColumn } from './physicalColumn';
import { RowEntries } from './rowEntries';

type SelectedGroups = Array<{ index: number; rows: number }>;

/**
 * Decodes a planned flat read into an Arrow table shaped as parquet-wasm shapes it: batches of
 * `batchSize` rows over the selected row groups taken together, no batch when no row is selected.
 * Row groups wholly outside [skip, skip + take) are not read.
 */
export function decodeFlatParquet(bytes: Uint8Array, plan: FlatParquetPlan, batchSize: number, buffers: ColumnBuffers = FRESH_BUFFERS): Table {
  const { groups, first, totalRows } = selectedGroups(plan);
  if (groups.length === 0) return new Table(plan.schema);
  const decoded = plan.columns.map((column) => decodeColumn(bytes, plan, column, groups, totalRows, undefined, buffers));
  return tableOf(plan, decoded, first, batchSize, buffers);
}

/**
 * decodeFlatParquet with ZSTD pages of `minPageBytes` or more decompressed by `decompress` (native,
 * on libuv's pool) ahead of decoding: the next column's pages while this one is decoded, so at most
 * two columns' pages are held decompressed at once.
 */
export async function decodeFlatParquetAsync(
  bytes: Uint8Array, plan: FlatParquetPlan, batchSize: number, decompress: ZstdDecompress, minPageBytes = NATIVE_MIN_PAGE_BYTES,
  buffers: ColumnBuffers = FRESH_BUFFERS,
): Promise<Table> {
  const { groups, first, totalRows } = selectedGroups(plan);
  if (groups.length === 0) return new Table(plan.schema);
  const chunksOf = (column: PlannedColumn): ColumnChunkMeta[] => groups.map(({ index }) => chunkOf(plan, index, column));
  const prefetch = (at: number): Promise<DecompressedPages> | undefined => {
    const column = plan.columns[at];
    if (column === undefined) return undefined;
    const pages = decompressChunkPages(bytes, chunksOf(column), decompress, minPageBytes);
    // Awaited on the next turn, unless this column's decode throws first: never an unhandled rejection.
    pages.catch(() => undefined);
    return pages;
  };
  const decoded: DecodedColumn[] = [];
  let next = prefetch(0);
  for (const [at, column] of plan.columns.entries()) {
    const pages = await next;
    next = prefetch(at + 1);
    decoded.push(decodeColumn(bytes, plan, column, groups, totalRows, pages, buffers));
  }
  return tableOf(plan, decoded, first, batchSize, buffers);
}

/** Whether decodeFlatParquetNative decompresses ZSTD natively: plans for it need not wait for the WebAssembly decoder. */
export function hasNativeZstd(): boolean {
  return nativeZstdDecompress() !== undefined;
}

/**
 * The flat decode for callers that can wait: decodeFlatParquetAsync with the native ZSTD binding
 * when it loaded, else decodeFlatParquet. Plan with `planFlatRead(bytes, request, hasNativeZstd())`.
 * The columns' buffers come from `buffers` (see RecycledBuffers).
 */
export async function decodeFlatParquetNative(bytes: Uint8Array, plan: FlatParquetPlan, batchSize: number, buffers: ColumnBuffers = FRESH_BUFFERS): Promise<Table> {
  const decompress = nativeZstdDecompress();
  return decompress === undefined
    ? decodeFlatParquet(bytes, plan, batchSize, buffers)
    : decodeFlatParquetAsync(bytes, plan, batchSize, decompress, NATIVE_MIN_PAGE_BYTES, buffers);
}

/** The selected row groups with rows in [skip, skip + take), and the row where the first of them starts. */
function selectedGroups(plan: FlatParquetPlan): { groups: SelectedGroups; first: number; totalRows: number } {
  const groups: SelectedGroups = [];
  let groupStart = 0;
  let first = -1;
  for (const index of plan.rowGroups) {
    const rows = plan.metadata.rowGroups[index]?.numRows ?? 0;
    const groupEnd = groupStart + rows;
    if (groupEnd > plan.skip && groupStart < plan.skip + plan.take && rows > 0) {
      if (first < 0) first = groupStart;
      groups.push({ index, rows });
    }
    groupStart = groupEnd;
  }
  if (plan.take === 0) return { groups: [], first, totalRows: 0 };
  return { groups, first, totalRows: groups.reduce((sum, group) => sum + group.rows, 0) };
}

function tableOf(plan: FlatParquetPlan, decoded: DecodedColumn[], first: number, batchSize: number, buffers: ColumnBuffers): Table {
  const from = plan.skip - first;
  const to = from + plan.take;
  const structType = new Struct(plan.schema.fields);
  const batches: RecordBatch[] = [];
  const step = Math.max(1, batchSize);
  for (let start = from; start < to; start += step) {
    const end = Math.min(to, start + step);
    const children: Data[] = decoded.map((column) => columnData(column, start, end, buffers));
    batches.push(new RecordBatch(plan.schema, makeData({ type: structType, length: end - start, nullCount: 0, children })));
  }
  return new Table(plan.schema, batches);
}

function chunkOf(plan: FlatParquetPlan, index: number, column: PlannedColumn): ColumnChunkMeta {
  const chunk = plan.metadata.rowGroups[index]?.columns[column.leafIndex];
  if (chunk === undefined) throw new Error(`row group ${index} has no column chunk ${column.leafIndex}`);
  return chunk;
}

function decodeColumn(
  bytes: Uint8Array, plan: FlatParquetPlan, column: PlannedColumn, groups: SelectedGroups, totalRows: number, decompressed: DecompressedPages | undefined,
  buffers: ColumnBuffers,
): DecodedColumn {
  const optional = column.leaf.repetition === 1;
  const chunks = groups.map(({ index }) => chunkOf(plan, index, column));
  const values = physicalColumn(column, totalRows, chunks.reduce((sum, chunk) => sum + Math.max(chunk.totalCompressedSize, chunk.totalUncompressedSize), 0), buffers);
  const validity = optional ? new Uint8Array((totalRows + 7) >> 3) : null;
  const entries = rowEntriesFor(chunks, totalRows, buffers);
  let row = 0;
  let nulls = 0;
  for (const [i, { rows }] of groups.entries()) {
    const chunk = chunks[i];
    if (chunk === undefined) continue;
    nulls += decodeColumnChunk(bytes, chunk, values, validity, row, rows, decompressed, entries);
    row += rows;
  }
  const decoded: DecodedColumn = { type: column.type, conversion: column.conversion, values, validity: nulls === 0 ? null : validity };
  const indices = entries?.indices;
  const dictionary = indices && values.dictionaryValues();
  const data = dictionary && dictionaryData(column.type, column.conversion, dictionary);
  if (indices && data) decoded.storage = { dictionary: data, indices };
  // Dictionary pages, then others: the writer's dictionary filled up.
  else if (entries?.givenUp) decoded.storage = 'overflowed';
  return decoded;
}

/**
 * Where to note each row's dictionary entry (see DictionaryRows): for a single chunk (one row
 * group: one dictionary) that has a dictionary page.
 */
function rowEntriesFor(chunks: readonly ColumnChunkMeta[], rows: number, buffers: ColumnBuffers): RowEntries | undefined {
  const chunk = chunks[0];
  if (chunks.length !== 1 || chunk === undefined || chunk.type === PHYSICAL.BOOLEAN) return undefined;
  return chunkHasDictionary(chunk) ? new RowEntries(rows, buffers) : undefined;
}

/**
 * The value store for a leaf's decoded values, sized for `rows` and, for byte arrays, `pageBytes`,
 * in buffers from `buffers` (booleans' bits are small: always fresh).
 */
export function physicalColumn(column: PlannedColumn, rows: number, pageBytes: number, buffers: ColumnBuffers = FRESH_BUFFERS): PhysicalColumn {
  switch (column.leaf.type) {
    case PHYSICAL.BOOLEAN: return new BooleanColumn(rows);
    case PHYSICAL.BYTE_ARRAY: return new ByteArrayColumn(rows, pageBytes, buffers);
    case PHYSICAL.INT32: case PHYSICAL.INT64: {
      const width = column.leaf.type === PHYSICAL.INT32 ? 4 : 8;
      return column.type.typeId === Type.Decimal ? new DecimalIntColumn(rows, width, buffers) : new FixedWidthColumn(rows, width, buffers);
    }
    case PHYSICAL.FLOAT: return new FixedWidthColumn(rows, 4, buffers);
    case PHYSICAL.DOUBLE: return new FixedWidthColumn(rows, 8, buffers);
    case PHYSICAL.INT96: return new FixedWidthColumn(rows, 12, buffers);
    case PHYSICAL.FIXED_LEN_BYTE_ARRAY:
      return column.type.typeId === Type.Decimal
        ? new DecimalBytesColumn(rows, column.leaf.typeLength, buffers)
        : new FixedWidthColumn(rows, column.leaf.typeLength, buffers);
    default: throw new Error(`physical type ${String(column.leaf.type)}`);
  }
}
