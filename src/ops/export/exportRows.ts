import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { Table as ArrowTable, tableToIPC, type RecordBatch } from 'apache-arrow';
import { Compression, EnabledStatistics, Table, transformParquetStream, WriterPropertiesBuilder } from 'parquet-wasm/node';
import type { StructType } from '../../delta/schema';
import { CsvFormatter } from '../../format/csvFormatter';
import { NdjsonFormatter } from '../../format/ndjsonFormatter';
import type { RowFormatter } from '../../format/rowFormatter';

export const EXPORT_FORMATS = ['csv', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  signal?: AbortSignal;
  /** Called after each batch with the rows written so far. */
  onRows?: (rows: number) => void;
}

/**
 * Writes a stream of batches (usually a scan) to a file, one batch in memory at a time: CSV and
 * NDJSON through the CLI's own formatters (so values look the same), Parquet through parquet-wasm's
 * streaming writer (ZSTD, chunk statistics). A cancelled or failed export removes the partial file.
 */
export async function exportRows(batches: AsyncIterable<RecordBatch>, schema: StructType, format: ExportFormat, path: string, options: ExportOptions = {}): Promise<number> {
  try {
    return format === 'parquet'
      ? await exportParquet(batches, path, options)
      : await exportText(batches, format === 'csv' ? new CsvFormatter(schema) : new NdjsonFormatter(schema), path, options);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

async function exportText(batches: AsyncIterable<RecordBatch>, formatter: RowFormatter, path: string, options: ExportOptions): Promise<number> {
  const out = createWriteStream(path);
  let rows = 0;
  try {
    await writeLines(out, formatter.begin());
    for await (const batch of batches) {
      options.signal?.throwIfAborted();
      await writeLines(out, formatter.batch(batch));
      rows += batch.numRows;
      options.onRows?.(rows);
    }
    await writeLines(out, formatter.end());
  } finally {
    out.end();
    await once(out, 'close');
  }
  return rows;
}

async function writeLines(out: WriteStream, lines: string[]): Promise<void> {
  if (lines.length > 0 && !out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
}

async function exportParquet(batches: AsyncIterable<RecordBatch>, path: string, options: ExportOptions): Promise<number> {
  const iterator = batches[Symbol.asyncIterator]();
  let rows = 0;
  // Batches cross into wasm memory through Arrow IPC one at a time, as the writer pulls them.
  const input = new ReadableStream({
    async pull(controller) {
      options.signal?.throwIfAborted();
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      rows += next.value.numRows;
      options.onRows?.(rows);
      const table = Table.fromIPCStream(tableToIPC(new ArrowTable([next.value]), 'stream'));
      for (const batch of table.recordBatches()) controller.enqueue(batch);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.ZSTD)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setCreatedBy('lakehouse-studio')
    .build();
  const output = await transformParquetStream(input, properties);
  await output.pipeTo(Writable.toWeb(createWriteStream(path)));
  return rows;
}
