import type { RecordBatch } from 'apache-arrow';
import type { GridCell } from '../../../webview/protocol/grid';

export interface RowPage {
  rows: GridCell[][];
  /** Set once the scan has ended: the number of rows it has. */
  total?: number;
}

/** Pages of a preview's rows by offset: read sequentially from a scan, or by seeking (RangePager). */
export interface RowPages {
  page(offset: number, count: number): Promise<RowPage>;
  close(): Promise<void>;
}

/**
 * Serves rows of a scan by offset while holding only the current batch. Reading forward continues
 * the open scan; asking for an earlier offset starts a new scan and skips to it, which is rare (the
 * webview keeps the pages around the viewport) and keeps host memory independent of table size.
 */
export class RowPager implements RowPages {
  private iterator: AsyncIterator<RecordBatch> | undefined;
  private batch: RecordBatch | undefined;
  private rowInBatch = 0;
  private position = 0;
  private finished = false;
  /** Serialises requests: each moves the one shared cursor. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly openScan: () => AsyncIterable<RecordBatch>,
    private readonly toCells: (batch: RecordBatch, row: number) => GridCell[],
  ) {}

  page(offset: number, count: number): Promise<RowPage> {
    const result = this.queue.then(() => this.read(offset, count));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.iterator?.return?.();
    this.iterator = undefined;
  }

  private async read(offset: number, count: number): Promise<RowPage> {
    if (offset < this.position || !this.iterator) await this.restart();
    const rows: GridCell[][] = [];
    while (!this.finished && rows.length < count) {
      if (!this.batch || this.rowInBatch >= this.batch.numRows) {
        await this.nextBatch();
        continue;
      }
      const skip = Math.min(offset - this.position, this.batch.numRows - this.rowInBatch);
      if (skip > 0) {
        this.rowInBatch += skip;
        this.position += skip;
        continue;
      }
      rows.push(this.toCells(this.batch, this.rowInBatch));
      this.rowInBatch += 1;
      this.position += 1;
    }
    // Peek so the page says whether more rows exist, and the grid can stop offering to load them.
    while (!this.finished && (!this.batch || this.rowInBatch >= this.batch.numRows)) await this.nextBatch();
    return this.finished ? { rows, total: this.position } : { rows };
  }

  private async restart(): Promise<void> {
    await this.close();
    this.iterator = this.openScan()[Symbol.asyncIterator]();
    this.batch = undefined;
    this.rowInBatch = 0;
    this.position = 0;
    this.finished = false;
  }

  private async nextBatch(): Promise<void> {
    const next = await this.iterator?.next();
    if (!next || next.done) {
      this.finished = true;
      this.batch = undefined;
      return;
    }
    this.batch = next.value;
    this.rowInBatch = 0;
  }
}
