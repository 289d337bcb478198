import { readParquet, ParquetFile } from 'parquet-wasm/node';
import { tableFromIPC, type Table } from 'apache-arrow';

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
}

/** Decodes Parquet bytes into an Arrow table through parquet-wasm (arrow-rs compiled to WebAssembly). */
export function decodeParquet(bytes: Uint8Array, options: ParquetReadOptions = {}): Table {
  try {
    const wasmTable = readParquet(bytes, {
      ...(options.columns ? { columns: options.columns } : {}),
      ...(options.rowGroups ? { rowGroups: options.rowGroups } : {}),
      batchSize: options.batchSize ?? 65536,
    });
    return tableFromIPC(wasmTable.intoIPCStream());
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

/** Row-group row counts from the footer, so large files can be read one row group at a time. */
export async function parquetRowGroups(bytes: Uint8Array): Promise<number[]> {
  try {
    const file = await ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    try {
      const meta = file.metadata();
      const counts: number[] = [];
      for (let i = 0; i < meta.numRowGroups(); i++) counts.push(meta.rowGroup(i).numRows());
      return counts;
    } finally {
      file.free();
    }
  } catch (error) {
    throw new ParquetDecodeError(errorText(error));
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
