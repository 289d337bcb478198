import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
import type { StructType } from '../../delta/schema';
import { createRowFormatter, type OutputFormat } from './outputFormat';
import type { RowFormatter } from '../../format/rowFormatter';
import type { TableFormatOptions } from './tableFormatter';

/**
 * Streams formatted batches to a Writable (usually stdout), one batch in memory at a time. Each
 * write waits for 'drain' when the stream's buffer is full, so a slow pipe slows the scan down
 * instead of piling up output. The stream is not ended: stdout belongs to the process.
 */
export class RowWriter {
  private readonly formatter: RowFormatter;
  private started = false;

  constructor(
    private readonly out: Writable,
    schema: StructType,
    format: OutputFormat,
    options: TableFormatOptions = {},
  ) {
    this.formatter = createRowFormatter(format, schema, options);
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.emit(this.start().concat(this.formatter.batch(batch)));
  }

  /** Writes what follows the last batch; call it once, also when there were no batches. */
  async end(): Promise<void> {
    await this.emit(this.start().concat(this.formatter.end()));
  }

  private start(): string[] {
    if (this.started) return [];
    this.started = true;
    return this.formatter.begin();
  }

  private async emit(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    if (!this.out.write(`${lines.join('\n')}\n`)) await once(this.out, 'drain');
  }
}
