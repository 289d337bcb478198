import { util, type RecordBatch } from 'apache-arrow';
import { canConcat, concatBatches } from '../../arrow/concatBatches';
import { DataFileWriter, type DataFileWriterOptions, type WrittenFile } from '../../delta/write/dataFileWriter';
import { materializedRowFields } from '../../delta/write/materializedRowColumns';
import { statsOptionsFromProperties } from '../../delta/write/statsCollector';
import type { Transaction } from '../../delta/transaction/transaction';
import type { MemoryMeter } from './memoryMeter';
import type { FileWriter, WriterThread } from './writerThread';

/**
 * Rows a file's first write brings at least (or the file's planned rows, if fewer): the flat
 * encoder judges from that write which columns are all distinct and skips their dictionaries
 * (FlatParquetEncoder: only over a data page's 65,536 rows). Batches of a few thousand rows, as
 * compaction and Z-order hand over, would have every column hash its values into a dictionary
 * page that a unique column then gives up: 40% of the writer thread's time on the bench's
 * compaction.
 */
const FIRST_WRITE_ROWS = 64 * 1024;

/**
 * Writes a stream of rows of one partition as exactly `files` data files of (nearly) equal row
 * counts, so a run produces the file count its plan showed. Rows beyond the planned total (stats
 * that undercounted) go to the last file. A file's Arrow bytes count as held (the meter) until it
 * is stored; the plan sized files so that two fit the memory budget. A file is finished (its last
 * pages encoded, then stored) while the next one is written: with a WriterThread the files are
 * written in its worker and this thread only hands batches over.
 */
export class OutputFileSequence {
  private readonly written: WrittenFile[] = [];
  private writer: FileWriter | undefined;
  /** The file being finished, at most one: its files once stored. */
  private finishing: Promise<WrittenFile[]> | undefined;
  private index = 0;
  private rowsInFile = 0;
  private heldBytes = 0;
  /** The open file's rows not yet written (its first write gathers FIRST_WRITE_ROWS). */
  private gathered: RecordBatch[] = [];
  /** Whether the open file has been written to. */
  private started = false;

  constructor(
    private readonly tx: Transaction,
    private readonly totalRows: number,
    private readonly files: number,
    private readonly meter: MemoryMeter,
    private readonly signal?: AbortSignal,
    private readonly thread?: WriterThread,
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
      if (this.started) await (this.writer ?? this.openFile()).write(part);
      else this.gathered.push(part);
      const bytes = part.data.byteLength;
      this.heldBytes += bytes;
      this.meter.hold(bytes);
      this.rowsInFile += take;
      start += take;
      if (!this.started && this.rowsInFile >= Math.min(FIRST_WRITE_ROWS, this.quota(this.index))) await this.writeGathered();
    }
  }

  /** Where each planned file ends, in rows from the start (the last file is open-ended). */
  fileEnds(): number[] {
    return Array.from({ length: Math.max(0, this.files - 1) }, (_, i) => Math.floor(((i + 1) * this.totalRows) / this.files));
  }

  async finish(): Promise<WrittenFile[]> {
    await this.closeFile();
    await this.settleFinishing();
    return [...this.written];
  }

  /** Deletes the files written so far (the run failed before committing). */
  async abort(): Promise<void> {
    this.gathered = [];
    await this.writer?.abort();
    this.writer = undefined;
    // A file being finished is stored (or fails, leaving nothing) before it can be deleted.
    await this.settleFinishing().catch(() => undefined);
    this.meter.release(this.heldBytes);
    this.heldBytes = 0;
    await Promise.all(this.written.splice(0).map((f) => this.tx.store.delete(decodeURIComponent(f.path)).catch(() => undefined)));
  }

  /** Rows of file i: an even split of the planned total; the last file takes any surplus. */
  private quota(i: number): number {
    if (i >= this.files - 1) return Infinity;
    return Math.floor(((i + 1) * this.totalRows) / this.files) - Math.floor((i * this.totalRows) / this.files);
  }

  private openFile(): FileWriter {
    const properties = this.tx.properties;
    const options: DataFileWriterOptions = {
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
    };
    this.writer = this.thread?.open(options) ?? new DataFileWriter(options);
    return this.writer;
  }

  /** The open file's gathered rows as its first write (joined when their types allow). */
  private async writeGathered(): Promise<void> {
    const parts = this.gathered;
    this.gathered = [];
    this.started = true;
    if (parts.length === 0) return;
    const writer = this.writer ?? this.openFile();
    const first = parts[0] as RecordBatch;
    const joinable = first.schema.fields.every((field) => canConcat(field.type))
      && parts.every((part) => part.schema === first.schema || util.compareSchemas(part.schema, first.schema));
    if (joinable) await writer.write(concatBatches(parts));
    else for (const part of parts) await writer.write(part);
  }

  /** Starts finishing the open file once the previous one is stored (whose failure this throws). */
  private async closeFile(): Promise<void> {
    await this.writeGathered();
    this.started = false;
    const writer = this.writer;
    this.writer = undefined;
    const held = this.heldBytes;
    this.heldBytes = 0;
    this.rowsInFile = 0;
    this.index++;
    await this.settleFinishing();
    if (!writer) {
      this.meter.release(held);
      return;
    }
    const finishing = writer.finish().finally(() => this.meter.release(held));
    // Awaited by the next close, finish or abort.
    finishing.catch(() => undefined);
    this.finishing = finishing;
  }

  private async settleFinishing(): Promise<void> {
    const finishing = this.finishing;
    this.finishing = undefined;
    if (finishing) this.written.push(...(await finishing));
  }
}
