import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../delta/schema';

/**
 * What a file importer (CSV, NDJSON, Parquet) opens: record batches with a schema known before
 * the first batch, and counters that grow as the batches are read.
 */
export interface RowSource {
  schema: StructType;
  batches: AsyncIterable<RecordBatch>;
  readonly counts: { rows: number; badRows: number };
}
