import type { RecordBatch } from 'apache-arrow';

/**
 * Turns a stream of batches into output lines (without line terminators). `begin` and `end` give
 * what comes before the first and after the last batch (a CSV header, a table footer).
 */
export interface RowFormatter {
  begin(): string[];
  batch(batch: RecordBatch): string[];
  end(): string[];
}
