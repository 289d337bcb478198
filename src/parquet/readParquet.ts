import { parquetMetadata } from 'hyparquet';
import { readParquet } from 'parquet-wasm/node';
import type { Table } from 'apache-arrow';
import { tableFromWasm } from './arrowFromWasm';
import { decodeFlatParquet, decodeFlatParquetNative, hasNativeZstd } from './flatDecoder/decodeFlatParquet';
import { planFlatRead, plannedStorage, type FlatParquetPlan } from './flatDecoder/flatParquetPlan';
import { CODEC } from './flatDecoder/pageCodec';
import { readParquetFooter } from './flatDecoder/parquetFooter';
import { ParquetDecodeError } from './parquetDecodeError';
import { nativeSnappyUncompress } from './nativeSnappyBindings';

const DEFAULT_BATCH_SIZE = 65536;

/**
 * How many rows a flat read may have and still take our decoder, by what its chunks are stored
 * with; larger reads go to parquet-wasm. Measured (bench/README.md, reader section: CPU against
 * parquet-wasm in the same run): with ZSTD and PLAIN / dictionary pages ours takes less CPU at
 * every size (1.07x to 1.33x synchronously at 65,536, 262,144 and 1M rows, 1.19x to 1.43x with the
 * native ZSTD of decodeParquetAsync, load 11 to 19). With Snappy decompressed natively it takes
 * less up to 65,536 rows (1.06x to 1.25x; 1.9x to 2.2x at 10,000) and about the same above (0.80x
 * to 1.23x in three runs at 262,144 and 1M rows), where ours still wins when a read wants only some
 * columns (parquet-wasm decodes them all) and leaves no WebAssembly memory behind. With delta
 * encodings it takes more on large groups (0.7x on 1M rows), with gzip from 1M rows (0.9x; 1.1x at
 * 65,536), and with Snappy in JavaScript (no binding for this platform) from 65,536 rows (0.76x).
 */
const FLAT_DECODER_MAX_ROWS = 65_536;
const FLAT_DECODER_MAX_ROWS_JS_SNAPPY = 10_000;

/** The most rows a read planned as `plan` may take for our decoder to get it (flat files only: see above). */
export function flatDecoderRowLimit(plan: FlatParquetPlan): number {
  const { codecs, deltaEncoded } = plannedStorage(plan);
  const nativeSnappy = !codecs.has(CODEC.SNAPPY) || nativeSnappyUncompress() !== undefined;
  if (!nativeSnappy) return FLAT_DECODER_MAX_ROWS_JS_SNAPPY;
  const fast = [...codecs].every((codec) => codec === CODEC.ZSTD || codec === CODEC.SNAPPY);
  return fast && !deltaEncoded ? Infinity : FLAT_DECODER_MAX_ROWS;
}

export interface ParquetReadOptions {
  /**
   * Top-level column names to read; all when omitted. The table holds those the file has, in the
   * file's order (arrow-rs projects in schema order); a name the file lacks (a column added after
   * the file was written) is left out for the caller to fill.
   */
  columns?: string[];
  /** Row groups to read; all when omitted. */
  rowGroups?: number[];
  batchSize?: number;
  /** Rows to skip, then rows to read, counted over the selected row groups (only their pages are decoded). */
  offset?: number;
  limit?: number;
}

/**
 * Decodes Parquet bytes into an Arrow table: flat files (top-level primitive columns, the common
 * encodings and codecs) with our TypeScript decoder up to flatDecoderRowLimit's rows (any size for
 * ZSTD and natively decompressed Snappy with PLAIN / dictionary pages, 65,536 with delta encodings,
 * uncompressed or gzip, 10,000 for Snappy in JavaScript), which yields what parquet-wasm yields without its per-call cost and the copy
 * out of wasm memory, and decodes only the requested columns; anything else through parquet-wasm
 * (arrow-rs compiled to WebAssembly).
 * Both return the same columns for the same `columns`.
 */
export function decodeParquet(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  const plan = planFlatRead(bytes, options);
  if (plan !== undefined && plan.take <= flatDecoderRowLimit(plan)) {
    try {
      return decodeFlatParquet(bytes, plan, options.batchSize ?? DEFAULT_BATCH_SIZE);
    } catch {
      // A page the footer did not announce (an encoding, a corrupt page): parquet-wasm reads it or
      // raises the ParquetDecodeError callers expect.
    }
  }
  return decodeParquetWasm(bytes, options);
}

/**
 * decodeParquet for callers that can wait: ZSTD pages are decompressed natively on libuv's pool
 * ahead of decoding (pages of 64 KiB or more: about 0.6x the CPU of the WebAssembly decoder the
 * synchronous path uses, and off this thread). The same reads take our decoder as in decodeParquet,
 * and the same table comes out.
 */
export async function decodeParquetAsync(bytes: Uint8Array, options: ParquetReadOptions = {}): Promise<Table> {
  const plan = planFlatRead(bytes, options, hasNativeZstd());
  if (plan !== undefined && plan.take <= flatDecoderRowLimit(plan)) {
    try {
      return await decodeFlatParquetNative(bytes, plan, options.batchSize ?? DEFAULT_BATCH_SIZE);
    } catch {
      // As in decodeParquet: parquet-wasm reads the page or raises the error callers expect.
    }
  }
  return decodeParquetWasm(bytes, options);
}

/** decodeParquet through parquet-wasm whatever the file (the reference the flat decoder is tested against). */
export function decodeParquetWasm(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  try {
    // No `columns` here: parquet-wasm 0.8's synchronous readParquet accepts the option but never
    // applies it (only its async ParquetFile reader builds a projection mask), so every column is
    // decoded and the projection is made on the Arrow table.
    const wasmTable = readParquet(bytes, {
      ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
    const table = tableFromWasm(wasmTable);
    return options.columns === undefined ? table : projected(table, options.columns);
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

/** The columns of `table` named in `names`, in the table's order (names it lacks are left out). */
function projected(table: Table, names: readonly string[]): Table {
  const wanted = new Set(names);
  const indices: number[] = [];
  for (const [index, field] of table.schema.fields.entries()) if (wanted.has(field.name)) indices.push(index);
  return indices.length === table.schema.fields.length ? table : table.selectAt(indices);
}

/** Row counts of the row groups, from the footer only, so a file can be decoded one group at a time. */
export function parquetRowGroupSizes(bytes: Uint8Array): number[] {
  return parquetLayout(bytes).rowGroups;
}

/** What a reader needs to plan: row counts of the row groups and the top-level column names, from the footer only. */
export interface ParquetLayout { rowGroups: number[]; columns: string[] }

export function parquetLayout(bytes: Uint8Array): ParquetLayout {
  // Our footer reader first (it skips what a layout does not need, and the decode reuses it); hyparquet
  // for whatever it does not take, so a bad file gets hyparquet's message as before.
  const footer = readParquetFooter(bytes);
  if (footer !== undefined) return layoutOf(footer.schema, footer.rowGroups.map((group) => group.numRows));
  try {
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    const schema = metadata.schema.map((element) => ({ name: element.name, numChildren: element.num_children ?? 0 }));
    return layoutOf(schema, metadata.row_groups.map((group) => Number(group.num_rows)));
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

/** The schema is flattened depth-first: the root, then each top-level column and its subtree. */
function layoutOf(schema: ReadonlyArray<{ name: string; numChildren: number }>, rowGroups: number[]): ParquetLayout {
  const columns: string[] = [];
  let index = 1;
  const skipSubtree = (): void => {
    const children = schema[index++]?.numChildren ?? 0;
    for (let i = 0; i < children; i++) skipSubtree();
  };
  for (let i = 0; i < (schema[0]?.numChildren ?? 0); i++) {
    columns.push(schema[index]?.name ?? '');
    skipSubtree();
  }
  return { rowGroups, columns };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
