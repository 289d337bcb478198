import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../delta/schema';
import { BatchRows } from './batchRows';
import { jsonText } from './jsonText';
import type { RowFormatter } from './rowFormatter';

/** One JSON object per row, keys in schema order. */
export class NdjsonFormatter implements RowFormatter {
  private readonly rows: BatchRows;

  constructor(private readonly schema: StructType) {
    this.rows = new BatchRows(schema);
  }

  begin(): string[] {
    return [];
  }

  batch(batch: RecordBatch): string[] {
    return Array.from(this.rows.rows(batch), (row) => jsonText(row, this.schema));
  }

  end(): string[] {
    return [];
  }
}
