import { util, type RecordBatch } from 'apache-arrow';
import { canConcat, concatBatches } from '../arrow/concatBatches';
import { batchToIPC } from './parquetFileEncoder';
import { decodeParquet, ParquetDecodeError } from './readParquet';

/**
 * Decodes whole Parquet files lying back to back in `bytes` (file i ends at `ends[i]`) and joins
 * all their rows into one batch, as an Arrow IPC stream. This is the worker pool's share of a
 * compaction of many small files: the caller then takes one message per few hundred files instead
 * of one table per file. Files whose Arrow schemas differ, or types concatBatches cannot join, fail
 * the request (ParquetDecodeError): the caller decodes such files itself, one by one.
 */
export function decodeJoined(bytes: Uint8Array, ends: readonly number[]): Uint8Array {
  const batches: RecordBatch[] = [];
  let start = 0;
  for (const [index, end] of ends.entries()) {
    let table;
    try {
      table = decodeParquet(bytes.subarray(start, end));
    } catch (error) {
      throw new ParquetDecodeError(`file ${index + 1} of ${ends.length}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const first = batches[0];
    if (first && first.schema !== table.schema && !util.compareSchemas(first.schema, table.schema)) {
      throw new ParquetDecodeError(`file ${index + 1} of ${ends.length} has another schema than the first`);
    }
    batches.push(...table.batches);
    start = end;
  }
  const first = batches[0];
  if (!first) throw new ParquetDecodeError('no rows to join');
  if (!first.schema.fields.every((field) => canConcat(field.type))) throw new ParquetDecodeError('the files have columns of types that are not joined');
  return batchToIPC(concatBatches(batches));
}
