import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../delta/schema';
import { reportBadRow } from './badRows';
import { RecordBatchBuilder, type Cell } from './columnBuilder';
import type { TextSourceOptions } from './textSourceOptions';

const DEFAULT_BATCH_ROWS = 65_536;
const DEFAULT_BATCH_BYTES = 64 * 1024 * 1024;

/** A source row as the reader parsed it: its cells in schema order, or why it is a bad row. */
export type ParsedRow = { value: Cell[] } | { error: string };

/**
 * Turns the rows of one text file, parsed or rejected, into record batches of bounded size. It
 * numbers the rows (bad ones included, as the bad-row report promises), counts what it took and
 * what it set aside, and hands a bad row to reportBadRow, which fails or passes it to the handler.
 */
export class RowBatcher {
  /** Live counters: the source's caller reads them while batches stream. */
  readonly counts = { rows: 0, badRows: 0 };
  private readonly builder: RecordBatchBuilder;
  private readonly batchRows: number;
  private readonly batchBytes: number;
  private row = 0;

  constructor(schema: StructType, private readonly path: string, private readonly options: TextSourceOptions) {
    this.builder = new RecordBatchBuilder(schema);
    this.batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  }

  /** The file's next row, starting at `line`; answers a batch once one is full. */
  async add(parsed: ParsedRow, line: number, source: string[] | string): Promise<RecordBatch | undefined> {
    this.row++;
    if ('error' in parsed) {
      this.counts.badRows++;
      await reportBadRow({ row: this.row, line, reason: parsed.error, source }, this.path, this.options.onBadRow);
      return undefined;
    }
    this.builder.appendRow(parsed.value);
    this.counts.rows++;
    return this.builder.rows >= this.batchRows || this.builder.bytes >= this.batchBytes ? this.builder.flush() : undefined;
  }

  /** The last, partly filled batch, if any rows are left. */
  finish(): RecordBatch | undefined {
    return this.builder.rows > 0 ? this.builder.flush() : undefined;
  }
}
