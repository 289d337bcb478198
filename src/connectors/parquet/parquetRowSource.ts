import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { decodeParquet } from '../../parquet/readParquet';
import { LocalFileStore } from '../../storage/localFileStore';
import type { RowSource } from '../rowSource';
import { readParquetFooter } from './parquetFooter';
import { deltaSchemaFromParquet } from './parquetToDeltaSchema';

/**
 * A Parquet file as a row source for copy-mode import, decoded one row group at a time so that
 * only the file's bytes and one row group's batches are held at once. Parquet values are typed,
 * so there are no bad rows: a file that cannot be decoded fails the import.
 */
export async function openParquetFile(path: string, signal?: AbortSignal): Promise<RowSource> {
  const store = new LocalFileStore(dirname(path));
  const name = basename(path);
  const meta = await store.head(name);
  const footer = await readParquetFooter(store, name, meta?.size ?? 0);
  const schema = deltaSchemaFromParquet(footer.metadata, path);
  const counts = { rows: 0, badRows: 0 };
  async function* batches(): AsyncGenerator<RecordBatch> {
    const bytes = new Uint8Array(await readFile(path, signal ? { signal } : {}));
    for (let group = 0; group < footer.metadata.row_groups.length; group++) {
      signal?.throwIfAborted();
      for (const batch of decodeParquet(bytes, { rowGroups: [group] }).batches) {
        counts.rows += batch.numRows;
        yield batch;
      }
    }
  }
  return { schema, batches: batches(), counts };
}
