import type { Table } from 'apache-arrow';
import { chunkStart } from './columnChunkDecoder';
import { decodeFlatParquetNative, hasNativeZstd } from './decodeFlatParquet';
import type { ColumnChunkMeta } from './fileMetadata';
import { planFlatRead, type FlatParquetPlan } from './flatParquetPlan';
import { FRESH_BUFFERS, type ColumnBuffers } from './recycledBuffers';

/** Where a group's chunks start in the bytes decoded: above 0, which a footer's dictionary offset uses for "none". */
export const CHUNKS_AT = 4;

/** The byte range of a file holding some column chunks of one row group, as a ranged read fetches it. */
export interface RowGroupRange {
  /** The file's footer behind its magic (what planFlatRead reads). */
  footer: Uint8Array;
  columns: readonly string[];
  group: number;
  /** File offset of the range's first byte: CHUNKS_AT bytes before the first chunk. */
  from: number;
  /** Exclusive end offset in the file. */
  end: number;
}

/**
 * The range of the file holding `columns` of row group `group` (their chunks, and CHUNKS_AT bytes
 * before them; empty when the file has none of them), or undefined when the flat decoder does not read them or the chunks are not there.
 */
export function rowGroupRange(footer: Uint8Array, columns: readonly string[], group: number): RowGroupRange | undefined {
  const plan = planFlatRead(footer, { columns, rowGroups: [group] }, hasNativeZstd());
  const chunks = plan?.metadata.rowGroups[group]?.columns;
  if (plan === undefined || chunks === undefined) return undefined;
  const spans = plan.columns.map((column) => chunks[column.leafIndex]).filter((chunk) => chunk !== undefined).map(chunkSpan);
  // No chunk of these columns in the file (all added later): nothing to read, only rows to count.
  if (spans.length === 0) return { footer, columns, group, from: 0, end: 0 };
  const start = Math.min(...spans.map((span) => span.start));
  const end = Math.max(...spans.map((span) => span.end));
  // A file starts with its magic, so there are CHUNKS_AT bytes before any chunk.
  const from = start - CHUNKS_AT;
  return from < 0 ? undefined : { footer, columns, group, from, end };
}

/**
 * Decodes the range's columns from `bytes` (the file's bytes from `range.from` to `range.end`), in
 * batches of `batchSize` rows; undefined when the flat decoder turns them down after all (a page
 * its footer did not announce). Throws on a corrupt page. The columns' buffers come from `buffers`.
 */
export async function decodeRowGroupRange(
  range: RowGroupRange, bytes: Uint8Array, batchSize: number, buffers: ColumnBuffers = FRESH_BUFFERS,
): Promise<Table | undefined> {
  const plan = planFlatRead(range.footer, { columns: range.columns, rowGroups: [range.group] }, hasNativeZstd());
  if (plan === undefined || bytes.byteLength !== range.end - range.from) return undefined;
  return decodeFlatParquetNative(bytes, rebased(plan, range.group, range.from), batchSize, buffers);
}

/** Where a column chunk's pages lie in the file: from its dictionary page, if any, on. */
function chunkSpan(chunk: ColumnChunkMeta): { start: number; end: number } {
  const start = chunkStart(chunk);
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
