import type { Table } from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm/node';
import { tableFromWasm } from './arrowFromWasm';
import { ParquetDecodeError } from './readParquet';

/**
 * Decodes only some top-level columns of Parquet bytes. parquet-wasm's synchronous `readParquet`
 * decodes every column whatever `columns` says (0.8.0), while its async `ParquetFile` reader
 * projects: it reads the footer, then only the chosen column chunks' byte ranges.
 */
export async function decodeParquetColumns(bytes: Uint8Array, columns: readonly string[], batchSize = 65536): Promise<Table> {
  try {
    const file = await ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    try {
      return tableFromWasm(await file.read({ columns: [...columns], batchSize }));
    } finally {
      file.free();
    }
  } catch (error) {
    throw new ParquetDecodeError(error instanceof Error ? error.message : String(error));
  }
}
