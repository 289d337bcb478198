import { makeData, RecordBatch, Struct } from 'apache-arrow';
import { columnData, type DecodedColumn } from './flatDecoder/arrowColumnData';
import { decodeColumnChunk } from './flatDecoder/columnChunkDecoder';
import type { ColumnChunkMeta } from './flatDecoder/fileMetadata';
import { planFlatRead, plannedStorage, type FlatParquetPlan, type PlannedColumn } from './flatDecoder/flatParquetPlan';
import { nativeZstdDecompress } from './flatDecoder/nativeZstdDecompress';
import { CODEC } from './flatDecoder/pageCodec';
import { forEachZstdPageBody, type DecompressedPages } from './flatDecoder/pagePrefetch';
import { physicalColumn } from './flatDecoder/decodeFlatParquet';
import { decodeParquet } from './readParquet';
import { ParquetDecodeError } from './parquetDecodeError';
import { ZstdFrameBatch } from './zstdFrameBatch';

/**
 * Rows from which a file of other codecs than ZSTD (snappy, gzip: their decoders are JavaScript)
 * is left to decodeParquet, which then weighs it against parquet-wasm (its flatDecoderRowLimit).
 */
const JOINED_MAX_ROWS_OTHER_CODECS = 10_000;

/** decodeJoined of files lying back to back in one buffer (file i ends at `ends[i]`), as a compaction chunk reads them. */
export function decodeBackToBack(bytes: Uint8Array, ends: readonly number[]): Promise<RecordBatch[]> {
  return decodeJoined(ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end)));
}

/** A file planned for the joined decode, and where its ZSTD pages start with their bodies' indices in the frame batch. */
interface PlannedFile { bytes: Uint8Array; plan: FlatParquetPlan; shape: string; pageStarts: number[]; pageIndices: number[] }

/**
 * Decodes whole small Parquet files, in order, and joins the rows of consecutive files of the same
 * shape (columns, physical and Arrow types) into one batch each: a compaction's many small files
 * cost one batch per few hundred files instead of a table, a schema and a batch per file. Every
 * ZSTD page of all the files is decompressed natively in one call (ZstdFrameBatch), off this
 * thread, while the footers are read; the column chunks of the files are then decoded one after
 * another into one column each, as the flat decoder does with a file's row groups. Files the flat
 * decoder does not take (or all of them, without the native ZSTD binding) are decoded one by one
 * with decodeParquet, each its own batches. Bytes that are not a readable Parquet file raise
 * ParquetDecodeError naming the file's position.
 */
export async function decodeJoined(files: readonly Uint8Array[]): Promise<RecordBatch[]> {
  const decompress = nativeZstdDecompress();
  const frames = decompress ? new ZstdFrameBatch(decompress) : undefined;
  const planned = files.map((bytes) => (frames ? planJoined(bytes, frames) : undefined));
  let bodies: Uint8Array[] | undefined;
  try {
    bodies = await frames?.flush();
  } catch {
    // A page libzstd refuses: the files are decoded one by one, which names the file.
    bodies = undefined;
  }
  const batches: RecordBatch[] = [];
  let index = 0;
  while (index < files.length) {
    const first = planned[index];
    if (!first || !bodies) {
      batches.push(...decodeAlone(files[index] as Uint8Array, index, files.length));
      index++;
      continue;
    }
    let end = index + 1;
    while (end < files.length && planned[end]?.shape === first.shape) end++;
    const run = planned.slice(index, end) as PlannedFile[];
    let joined: RecordBatch | undefined;
    try {
      joined = decodeRun(run, bodies);
    } catch {
      // A page the footer did not announce: as in decodeParquet, the file-by-file path reads it or raises.
    }
    if (joined) {
      if (joined.numRows > 0) batches.push(joined);
    } else {
      for (let i = index; i < end; i++) batches.push(...decodeAlone(files[i] as Uint8Array, i, files.length));
    }
    index = end;
  }
  return batches;
}

/** The file's flat read with its ZSTD pages queued on `frames`, or undefined when the joined decode does not take it. */
function planJoined(bytes: Uint8Array, frames: ZstdFrameBatch): PlannedFile | undefined {
  let plan: FlatParquetPlan | undefined;
  try {
    plan = planFlatRead(bytes, {}, true);
  } catch {
    return undefined;
  }
  if (plan === undefined) return undefined;
  const { codecs, deltaEncoded } = plannedStorage(plan);
  const zstdOnly = [...codecs].every((codec) => codec === CODEC.ZSTD || codec === CODEC.UNCOMPRESSED);
  if (!(zstdOnly && !deltaEncoded) && plan.take > JOINED_MAX_ROWS_OTHER_CODECS) return undefined;
  const pageStarts: number[] = [];
  const pageIndices: number[] = [];
  try {
    for (const group of plan.rowGroups) {
      for (const column of plan.columns) queuePages(bytes, chunkOf(plan, group, column), frames, pageStarts, pageIndices);
    }
  } catch {
    // A page header that does not parse: decodeParquet raises the error for this file.
    return undefined;
  }
  return { bytes, plan, shape: shapeOf(plan), pageStarts, pageIndices };
}

/**
 * Queues the chunk's ZSTD pages on `frames` (v2 data pages: their values section, the levels are
 * stored uncompressed), as decompressChunkPages walks them, but with each page's decompressed size,
 * which the frame batch cuts its output by. Index and empty pages are left to the decoder.
 */
function queuePages(bytes: Uint8Array, chunk: ColumnChunkMeta, frames: ZstdFrameBatch, starts: number[], indices: number[]): void {
  forEachZstdPageBody(bytes, chunk, (from, bodyEnd, size) => {
    starts.push(from);
    indices.push(frames.add(bytes.subarray(from, bodyEnd), size));
  });
}

/** What must be equal for files to share decoded columns: leaves, their storage and Arrow types, field ids. */
function shapeOf(plan: FlatParquetPlan): string {
  return plan.columns.map(({ leaf, type, conversion }) => `${leaf.name}\u0000${leaf.type}\u0000${leaf.typeLength ?? ''}\u0000${leaf.repetition}\u0000${leaf.fieldId ?? ''}\u0000${conversion}\u0000${String(type)}`).join('\u0001');
}

/** The run's rows as one batch in the first file's schema: each column's chunks of every file decoded in turn. */
function decodeRun(run: readonly PlannedFile[], bodies: readonly Uint8Array[]): RecordBatch {
  const first = (run[0] as PlannedFile).plan;
  const pages = run.map(({ pageStarts, pageIndices }): DecompressedPages => new Map(pageStarts.map((start, i) => [start, bodies[pageIndices[i] as number] as Uint8Array])));
  let totalRows = 0;
  for (const { plan } of run) totalRows += plan.take;
  const decoded = first.columns.map((column, c): DecodedColumn => {
    let pageBytes = 0;
    for (const { plan } of run) {
      for (const group of plan.rowGroups) {
        const chunk = chunkOf(plan, group, plan.columns[c] as PlannedColumn);
        pageBytes += Math.max(chunk.totalCompressedSize, chunk.totalUncompressedSize);
      }
    }
    const values = physicalColumn(column, totalRows, pageBytes);
    const validity = column.leaf.repetition === 1 ? new Uint8Array((totalRows + 7) >> 3) : null;
    let row = 0;
    let nulls = 0;
    for (const [f, { bytes, plan }] of run.entries()) {
      for (const group of plan.rowGroups) {
        const rows = plan.metadata.rowGroups[group]?.numRows ?? 0;
        if (rows === 0) continue;
        nulls += decodeColumnChunk(bytes, chunkOf(plan, group, plan.columns[c] as PlannedColumn), values, validity, row, rows, pages[f]);
        row += rows;
      }
    }
    return { type: column.type, conversion: column.conversion, values, validity: nulls === 0 ? null : validity };
  });
  const children = decoded.map((column) => columnData(column, 0, totalRows));
  return new RecordBatch(first.schema, makeData({ type: new Struct(first.schema.fields), length: totalRows, nullCount: 0, children }));
}

function decodeAlone(bytes: Uint8Array, index: number, count: number): RecordBatch[] {
  try {
    return decodeParquet(bytes).batches.filter((batch) => batch.numRows > 0);
  } catch (error) {
    throw new ParquetDecodeError(`file ${index + 1} of ${count}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function chunkOf(plan: FlatParquetPlan, group: number, column: PlannedColumn): ColumnChunkMeta {
  const chunk = plan.metadata.rowGroups[group]?.columns[column.leafIndex];
  if (chunk === undefined) throw new Error(`row group ${group} has no column chunk ${column.leafIndex}`);
  return chunk;
}
