import { parquetMetadata } from 'hyparquet';
import { readParquet } from 'parquet-wasm/node';
import type { Table } from 'apache-arrow';
import { tableFromWasm } from './arrowFromWasm';

/** Raised for bytes that are not a readable Parquet file; callers wrap it with the file's name. */
export class ParquetDecodeError extends Error {
  override readonly name = 'ParquetDecodeError';
}

export interface ParquetReadOptions {
  /** Top-level column names to read; all when omitted. */
  columns?: string[];
  /** Row groups to read; all when omitted. */
  rowGroups?: number[];
  batchSize?: number;
  /** Rows to skip, then rows to read, counted over the selected row groups (only their pages are decoded). */
  offset?: number;
  limit?: number;
}

/** Decodes Parquet bytes into an Arrow table through parquet-wasm (arrow-rs compiled to WebAssembly). */
export function decodeParquet(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  return decodeParquetWasm(bytes, options);
}

/** decodeParquet through parquet-wasm whatever the file (the reference the flat decoder is tested against). */
export function decodeParquetWasm(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  try {
    const wasmTable = readParquet(bytes, {
      ...(options.columns ? { columns: options.columns } : {}),
      ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
      batchSize: options.batchSize ?? 65536,
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
    });
    return tableFromWasm(wasmTable);
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

/** Row counts of the row groups, from the footer only, so a file can be decoded one group at a time. */
export function parquetRowGroupSizes(bytes: Uint8Array): number[] {
  return parquetLayout(bytes).rowGroups;
}

/** What a reader needs to plan: row counts of the row groups and the top-level column names, from the footer only. */
export interface ParquetLayout { rowGroups: number[]; columns: string[] }

export function parquetLayout(bytes: Uint8Array): ParquetLayout {
  try {
    const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? bytes.buffer as ArrayBuffer
      : bytes.slice().buffer as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    // The schema is flattened depth-first: the root, then each top-level column and its subtree.
    const columns: string[] = [];
    let index = 1;
    const skipSubtree = (): void => {
      const children = metadata.schema[index++]?.num_children ?? 0;
      for (let i = 0; i < children; i++) skipSubtree();
    };
    for (let i = 0; i < (metadata.schema[0]?.num_children ?? 0); i++) {
      columns.push(metadata.schema[index]?.name ?? '');
      skipSubtree();
    }
    return { rowGroups: metadata.row_groups.map((group) => Number(group.num_rows)), columns };
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
