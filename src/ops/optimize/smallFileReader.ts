import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Data, RecordBatch, Struct, type Schema } from 'apache-arrow';
import type { AddFile } from '../../delta/actions';
import { toArrowSchema } from '../../delta/arrowSchema';
import { DeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import { conformData } from '../../delta/scan/conformData';
import { constantData } from '../../delta/scan/constantData';
import { filePartitionValues } from '../../delta/scan/pruning';
import type { StructField, StructType } from '../../delta/schema';
import type { Snapshot } from '../../delta/snapshot';
import { rowTrackingEnabled } from '../../delta/transaction/rowTracking';
import { decodeParquet, ParquetDecodeError } from '../../parquet/readParquet';
import { LocalFileStore } from '../../storage/localFileStore';

/** Below this size a data file is read and decoded whole, in one call each (its rows are few). */
const SMALL_FILE_BYTES = 1 << 20;

/**
 * Reads the many small files a compaction rewrites at the least cost per file, which is what such
 * a run spends its time on (a 100-row file's rows cost far less than opening and decoding it):
 * one synchronous read on a local store (its asynchronous get costs an open, a stat, a read and a
 * close, each a round trip through the thread pool), no footer read ahead of the decode (the whole
 * file is decoded in one call), and the table's schema conformed once per batch on a schema object
 * shared by all files, so that their batches can be joined without comparing schemas.
 * Only plain files qualify: no deletion vector, and no row tracking (whose ids the general reader
 * attaches).
 */
export class SmallFileReader {
  private readonly fields: readonly StructField[];
  private readonly stored: StructType;
  private readonly arrowSchema: Schema;
  private readonly partitionColumns: ReadonlySet<string>;
  private readonly rowTracking: boolean;
  /** The local folder the table's store reads from; other stores take the general reader. */
  private readonly localRoot: string | undefined;

  constructor(private readonly snapshot: Snapshot) {
    this.fields = snapshot.schema.fields;
    this.partitionColumns = new Set(snapshot.partitionColumns);
    this.stored = { kind: 'struct', fields: this.fields.filter((f) => !this.partitionColumns.has(f.name)) };
    this.arrowSchema = toArrowSchema(snapshot.schema);
    this.rowTracking = rowTrackingEnabled(snapshot.metadata);
    this.localRoot = snapshot.store instanceof LocalFileStore ? snapshot.store.root : undefined;
  }

  accepts(file: AddFile): boolean {
    return this.localRoot !== undefined && file.size < SMALL_FILE_BYTES && !file.deletionVector && !this.rowTracking;
  }

  /** Every row of `file` (accepted by `accepts`), all table columns, logical names and types. */
  read(file: AddFile): RecordBatch[] {
    const path = resolveDataFilePath(file.path, this.snapshot.tableRoot);
    const bytes = this.readBytes(path);
    let table;
    try {
      table = decodeParquet(bytes);
    } catch (error) {
      if (error instanceof ParquetDecodeError) {
        throw new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
      }
      throw error;
    }
    const partitions = this.partitionColumns.size > 0 ? filePartitionValues(file, this.snapshot) : {};
    const struct = new Struct(table.schema.fields);
    const mode = this.snapshot.columnMappingMode;
    return table.batches.map((batch) => {
      const length = batch.numRows;
      const conformed = conformData(new Data(struct, 0, length, 0, undefined, batch.data.children), this.stored, mode, '').children;
      let next = 0;
      const children = this.fields.map((field) => (this.partitionColumns.has(field.name)
        ? constantData(field.type, partitions[field.name] ?? null, length)
        : conformed[next++] as Data));
      return new RecordBatch(this.arrowSchema, new Data(new Struct(this.arrowSchema.fields), 0, length, 0, undefined, children));
    });
  }

  private readBytes(path: string): Uint8Array {
    try {
      // resolveDataFilePath keeps `path` inside the table root, which is the store's root.
      const buffer = readFileSync(join(this.localRoot as string, path));
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (cause) {
      throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${this.snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
    }
  }
}
