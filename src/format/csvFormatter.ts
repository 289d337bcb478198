import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../delta/schema';
import { BatchRows } from './batchRows';
import { cellText } from './jsonText';
import type { RowFormatter } from './rowFormatter';

/**
 * RFC 4180 CSV with a header row. Null is an empty field and the empty string is `""`, so the two
 * stay distinguishable (the convention of PostgreSQL's COPY ... CSV).
 */
export class CsvFormatter implements RowFormatter {
  private readonly rows: BatchRows;

  constructor(private readonly schema: StructType) {
    this.rows = new BatchRows(schema);
  }

  begin(): string[] {
    return [this.schema.fields.map((field) => quoteCsvField(field.name)).join(',')];
  }

  batch(batch: RecordBatch): string[] {
    const { fields } = this.schema;
    return Array.from(this.rows.rows(batch), (row) => fields.map((field) => {
      const value = row[field.name];
      return value === null ? '' : quoteCsvField(cellText(value, field.type));
    }).join(','));
  }

  end(): string[] {
    return [];
  }
}

/** Quotes a field when RFC 4180 requires it (comma, quote, CR, LF) and always when it is empty. */
export function quoteCsvField(text: string): string {
  return text === '' || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
