import type { RecordBatch } from 'apache-arrow';
import { BatchGatherer } from '../../arrow/batchGatherer';
import { parquetWorkerPool } from '../../parquet/parquetWorkerPool';
import type { AddFile } from '../actions';
import type { Snapshot } from '../snapshot';
import { DeltaError } from '../errors';
import type { CommitOperation } from '../transaction/commitInfo';
import { materializedRowColumns } from '../transaction/rowTracking';
import type { Transaction } from '../transaction/transaction';
import { ChangeDataWriter, type ChangeType } from './changeDataWriter';
import { addActionOf, type DataFileWriter } from './dataFileWriter';
import { appendFileWriterFor, fileWriterFor, type FileWriterOptions } from './fileWriterFor';
import { decodeAheadByDefault, mayDecodeInPool } from './flatRowGroupReader';
import type { RewriteContext } from './rewriteFile';
import { rewriteFiles, type FileChange } from './rewriteFiles';
import type { OperationOptions } from './writeSummary';

/** Updated rows written at once: the flat encoder's rows per data page (its PAGE_ROWS). */
const UPDATED_ROWS_PER_WRITE = 64 * 1024;

export interface DmlWriteOptions extends OperationOptions, FileWriterOptions {
  /** Use deletion vectors; by default when the table has `delta.enableDeletionVectors` = true. */
  deletionVectors?: boolean;
  /**
   * Copy-on-write: decode a file's next row group in a worker thread while this one writes the
   * current one; by default with two or more cores (decodeAheadByDefault).
   */
  decodeAhead?: boolean;
}

/**
 * Starts the Parquet worker a DML operation's rewrites will decode in (see DmlWrites), so that it
 * loads (a few hundred ms of module compilation) while this thread finds the first file's matches,
 * or, called earlier, prepares the operation (MERGE indexes its source first). Only with
 * decodeAhead and a data file large enough to be decoded in the pool: a table of small files
 * (frequent small ingests) never needs it, and an idle worker still holds memory. Idempotent.
 */
export function prestartRewriteWorker(tx: Transaction, options: Pick<DmlWriteOptions, 'decodeAhead'>): void {
  const decodeAhead = options.decodeAhead ?? decodeAheadByDefault();
  if (decodeAhead && tx.snapshot?.files().some((file) => mayDecodeInPool(file.size))) parquetWorkerPool().prestart();
}

/** What finish() staged in the transaction. */
export interface StagedWrites {
  filesAdded: number;
  bytesAdded: number;
  changeFilesAdded: number;
}

/**
 * The files one DML commit (DELETE, UPDATE, MERGE) writes, and the loop rewriting the data files it
 * changes: rows kept or changed from existing rows go to `writer` (with the materialized row
 * tracking columns when the table has row tracking), changed rows to Change Data Feed files when
 * the table records changes. finish() stages the adds and cdc files; abort() deletes what was
 * written when the operation fails.
 */
export class DmlWrites {
  /** Receives copied and changed rows, which keep their row ids on a row-tracking table. */
  readonly writer: DataFileWriter;
  readonly deletionVectors: boolean;
  readonly decodeAhead: boolean;
  /** Unmatched live rows written again by rewrite() (copy-on-write). */
  rowsCopied = 0;
  /** Files rewrite() took out of the table. */
  filesRemoved = 0;
  /** Files rewrite() marked matched rows of in a new deletion vector. */
  deletionVectorsAdded = 0;
  /** Live rows rewrite() found matching. */
  rowsMatched = 0;
  /** What rewriting a file with this commit's writer needs (see rewriteFile). */
  readonly context: RewriteContext;
  private readonly changeData: ChangeDataWriter | undefined;
  private inserts: DataFileWriter | undefined;
  private rowsWritten = 0;
  /**
   * A MERGE updates the matched rows of each decoded target batch, often a few dozen of 65K: each
   * written alone made a page per column, so as many tiny pages and ZSTD calls. Gathered, they
   * fill pages; they land later in the files than before, which no reader depends on.
   */
  private readonly updates = new BatchGatherer(UPDATED_ROWS_PER_WRITE);

  constructor(private readonly tx: Transaction, private readonly options: DmlWriteOptions) {
    this.writer = fileWriterFor(tx, options);
    this.changeData = tx.properties['delta.enableChangeDataFeed'] === 'true' ? new ChangeDataWriter(tx, options) : undefined;
    this.deletionVectors = options.deletionVectors ?? tx.properties['delta.enableDeletionVectors'] === 'true';
    // DML starts its transaction on an existing table (Transaction.start): there is a snapshot.
    this.decodeAhead = options.decodeAhead ?? decodeAheadByDefault();
    prestartRewriteWorker(tx, options);
    this.context = { tx, snapshot: tx.snapshot as Snapshot, writer: this.writer, now: Date.now(), deletionVectors: this.deletionVectors, decodeAhead: this.decodeAhead };
  }

  /** Whether the table records changes (Change Data Feed). */
  get recordsChanges(): boolean {
    return this.changeData !== undefined;
  }

  /**
   * Rewrites `files` in order (see rewriteFiles) with the change `changeOf` gives for each, which
   * reads `matchColumns` to find the matches; reports progress per file. `whileFirstFileDecodes`
   * runs before any file is written, while the first decodes (see rewriteFiles).
   */
  async rewrite(
    files: readonly AddFile[], changeOf: (file: AddFile) => FileChange | Promise<FileChange>, matchColumns?: readonly string[],
    whileFirstFileDecodes?: () => Promise<void>,
  ): Promise<void> {
    const { signal, onProgress } = this.options;
    await rewriteFiles(this.context, files, changeOf, {
      ...(matchColumns ? { matchColumns } : {}),
      ...(signal ? { signal } : {}),
      ...(whileFirstFileDecodes ? { whileFirstFileDecodes } : {}),
      onRewritten: (file, rewritten, index) => {
        this.rowsCopied += rewritten.copiedRows;
        this.rowsMatched += rewritten.matchedRows;
        if (rewritten.removed) this.filesRemoved++;
        if (rewritten.deletionVectorAdded) this.deletionVectorsAdded++;
        onProgress?.(index + 1, files.length, file.path);
      },
    });
  }

  /** Writes the new form of existing rows (updated rows). */
  async write(rows: RecordBatch): Promise<void> {
    this.rowsWritten += rows.numRows;
    for (const batch of this.updates.add(rows)) await this.writer.write(batch);
  }

  /**
   * Writes rows new to the table (those whose byte in `keep` is 1, when given). Into files of
   * their own, like Spark's insert-only MERGE, they go without the materialized row tracking
   * columns (all null for them: their ids come from the file's baseRowId); when copied or updated
   * rows were already written, they join those files, as in Spark's full MERGE.
   */
  async insert(rows: RecordBatch, keep?: Uint8Array): Promise<void> {
    this.inserts ??= this.rowsWritten + this.rowsCopied === 0 ? appendFileWriterFor(this.tx, this.options) : this.writer;
    await this.inserts.write(rows, keep);
  }

  /**
   * Writes rows new to the table before any file is rewritten, into the files the copied and
   * updated rows will join, as insert() does once those were written. Only on a table without row
   * tracking, where the two writers write alike (neither has materialized row columns): with row
   * tracking, whether copied rows follow decides which writer new rows take.
   */
  async insertBeforeRewrites(rows: RecordBatch, keep?: Uint8Array): Promise<void> {
    if (materializedRowColumns(this.tx.metadata)) throw new DeltaError('DELTA_INVALID_ARGUMENT', 'Internal: rows inserted before the rewrites of a table with row tracking.');
    this.inserts ??= this.writer;
    await this.inserts.write(rows, keep);
  }

  /** Records rows as changes of one type, when the table records changes. */
  async change(rows: RecordBatch, changeType: ChangeType): Promise<void> {
    await this.changeData?.write(rows, changeType);
  }

  /** Closes every file and stages their add and cdc actions in the transaction. */
  async finish(): Promise<StagedWrites> {
    for (const batch of this.updates.drain()) await this.writer.write(batch);
    const written = await this.writer.finish();
    if (this.inserts && this.inserts !== this.writer) written.push(...await this.inserts.finish());
    const cdc = this.changeData ? await this.changeData.finish() : [];
    this.tx.add(...written.map((file) => ({ add: addActionOf(file) })), ...cdc.map((file) => ({ cdc: file })));
    return { filesAdded: written.length, bytesAdded: written.reduce((n, f) => n + f.size, 0), changeFilesAdded: cdc.length };
  }

  /** Commits the transaction, abortable by the operation's signal; the version committed. */
  async commit(op: CommitOperation): Promise<number> {
    return (await this.tx.commit(op, this.options.signal ? { signal: this.options.signal } : {})).version;
  }

  /** Deletes every file written so far: a failed operation leaves no orphans. */
  async abort(): Promise<void> {
    this.updates.drain();
    await this.writer.abort();
    if (this.inserts && this.inserts !== this.writer) await this.inserts.abort();
    await this.changeData?.abort();
  }
}
