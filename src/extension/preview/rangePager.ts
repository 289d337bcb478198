import type { RecordBatch } from 'apache-arrow';
import type { GridCell } from '../../../webview/protocol/grid';
import type { RowPage, RowPages } from './rowPager';
import type { RowRangeReader } from './rowRangeReader';

/**
 * Serves pages of an unfiltered preview by seeking (RowRangeReader): every offset costs one page's
 * decode, and every page carries the total, so the grid has its full length from the first page
 * and can be scrolled straight to the end of a table of any size.
 */
export class RangePager implements RowPages {
  /** One read at a time: neighbouring pages reuse the reader's open file instead of fetching it twice. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly reader: RowRangeReader,
    private readonly toCells: (batch: RecordBatch, row: number) => GridCell[],
    private readonly batchSize: number,
  ) {}

  page(offset: number, count: number): Promise<RowPage> {
    const result = this.queue.then(async () => {
      const batches = await this.reader.read(offset, count, this.batchSize);
      const rows = batches.flatMap((batch) => Array.from({ length: batch.numRows }, (_, row) => this.toCells(batch, row)));
      return { rows, total: this.reader.total };
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
