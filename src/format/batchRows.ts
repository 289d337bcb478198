import type { RecordBatch, Schema } from 'apache-arrow';
import type { StructType } from '../delta/schema';
import { createRowReader, type JsonRow, type RowReader } from './jsonValue';

/**
 * Reads the rows of successive batches, building a new row reader only when the Arrow schema
 * changes (a scan normally yields one schema for all batches).
 */
export class BatchRows {
  private schema: Schema | undefined;
  private reader: RowReader | undefined;

  constructor(private readonly deltaSchema: StructType) {}

  *rows(batch: RecordBatch): Generator<JsonRow> {
    if (!this.reader || this.schema !== batch.schema) {
      this.reader = createRowReader(batch.schema, this.deltaSchema);
      this.schema = batch.schema;
    }
    for (let i = 0; i < batch.numRows; i++) yield this.reader(batch, i);
  }
}
