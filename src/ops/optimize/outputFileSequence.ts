import type { RecordBatch } from 'apache-arrow';
import { DataFileWriter, type WrittenFile } from '../../delta/write/dataFileWriter';
import { materializedRowFields } from '../../delta/write/materializedRowColumns';
import { statsOptionsFromProperties } from '../../delta/write/statsCollector';
import type { Transaction } from '../../delta/transaction/transaction';
import type { MemoryMeter } from './memoryMeter';

/**
 * Writes a stream of rows of one partition as exactly `files` data files of (nearly) equal row
 * counts, so a run produces the file count its plan showed. Rows beyond the planned total (stats
 * that undercounted) go to the last file. Each file's rows are buffered until it is encoded, as
 * parquet-wasm encodes whole tables; the plan sized files so that fits the memory budget.
 */
export class OutputFileSequence {
  private readonly written: WrittenFile[] = [];
  private writer: DataFileWriter | undefined;
  private index = 0;
  private rowsInFile = 0;
  private heldBytes = 0;

  constructor(
    private readonly tx: Transaction,
    private readonly totalRows: number,
    private readonly files: number,
    private readonly meter: MemoryMeter,
    private readonly signal?: AbortSignal,
  ) {}

  async write(batch: RecordBatch): Promise<void> {
    let start = 0;
    while (start < batch.numRows) {
      const room = this.quota(this.index) - this.rowsInFile;
      const take = Math.min(room, batch.numRows - start);
      if (take <= 0) {
        await this.closeFile();
        continue;
      }
      const part = start === 0 && take === batch.numRows ? batch : batch.slice(start, start + take);
      const writer = this.writer ?? this.openFile();
      await writer.write(part);
      const bytes = part.data.byteLength;
      this.heldBytes += bytes;
      this.meter.hold(bytes);
      this.rowsInFile += take;
      start += take;
    }
  }

  /** Where each planned file ends, in rows from the start (the last file is open-ended). */
  fileEnds(): number[] {
    return Array.from({ length: Math.max(0, this.files - 1) }, (_, i) => Math.floor(((i + 1) * this.totalRows) / this.files));
  }

  async finish(): Promise<WrittenFile[]> {
    await this.closeFile();
    return [...this.written];
  }

  /** Deletes the files written so far (the run failed before committing). */
  async abort(): Promise<void> {
    await this.writer?.abort();
    this.writer = undefined;
    this.meter.release(this.heldBytes);
    this.heldBytes = 0;
    await Promise.all(this.written.splice(0).map((f) => this.tx.store.delete(decodeURIComponent(f.path)).catch(() => undefined)));
  }

  /** Rows of file i: an even split of the planned total; the last file takes any surplus. */
  private quota(i: number): number {
    if (i >= this.files - 1) return Infinity;
    return Math.floor(((i + 1) * this.totalRows) / this.files) - Math.floor((i * this.totalRows) / this.files);
  }

  private openFile(): DataFileWriter {
    const properties = this.tx.properties;
    this.writer = new DataFileWriter({
      store: this.tx.store,
      schema: this.tx.schema,
      partitionColumns: this.tx.partitionColumns,
      columnMappingMode: this.tx.columnMappingMode,
      hiddenColumns: materializedRowFields(this.tx.metadata),
      stats: statsOptionsFromProperties(properties, properties['delta.enableDeletionVectors'] === 'true'),
      // The sequence decides where files end; the writer must not roll or flush early.
      targetFileSize: Infinity,
      maxBufferedBytes: Infinity,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    return this.writer;
  }

  private async closeFile(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (writer) this.written.push(...(await writer.finish()));
    this.meter.release(this.heldBytes);
    this.heldBytes = 0;
    this.rowsInFile = 0;
    this.index++;
  }
}
