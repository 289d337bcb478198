import { RecordBatch, Table } from 'apache-arrow';
import type { StructType } from '../../delta/schema';
import { CsvFormatter } from '../../format/csvFormatter';
import { NdjsonFormatter } from '../../format/ndjsonFormatter';
import type { RowFormatter } from '../../format/rowFormatter';
import { TableFormatter, type TableFormatOptions } from './tableFormatter';

export const OUTPUT_FORMATS = ['ndjson', 'csv', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export function createRowFormatter(format: OutputFormat, schema: StructType, options: TableFormatOptions = {}): RowFormatter {
  switch (format) {
    case 'ndjson': return new NdjsonFormatter(schema);
    case 'csv': return new CsvFormatter(schema);
    case 'table': return new TableFormatter(schema, options);
  }
}

/** The complete output for a batch or table, one string per line (header and footer included). */
export function formatRows(
  input: RecordBatch | Table, schema: StructType, format: OutputFormat, options: TableFormatOptions = {},
): string[] {
  const formatter = createRowFormatter(format, schema, options);
  const lines = formatter.begin();
  for (const batch of input instanceof Table ? input.batches : [input]) lines.push(...formatter.batch(batch));
  lines.push(...formatter.end());
  return lines;
}

/** Without `--format`: a table for a person at a terminal, NDJSON for a pipe or a file. */
export function defaultOutputFormat(stdoutIsTTY: boolean): OutputFormat {
  return stdoutIsTTY ? 'table' : 'ndjson';
}
