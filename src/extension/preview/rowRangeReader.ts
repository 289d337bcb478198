import { Data, RecordBatch, Struct } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import type { AddFile } from '../../delta/actions';
import { toArrowSchema } from '../../delta/arrowSchema';
import { keepMask } from '../../delta/deletionVectors/keepMask';
import { readDeletionVector } from '../../delta/deletionVectors/readDeletionVector';
import { DeltaError } from '../../delta/errors';
import { resolveDataFilePath } from '../../delta/filePaths';
import { physicalName, type StructType } from '../../delta/schema';
import { conformData } from '../../delta/scan/conformData';
import { constantData } from '../../delta/scan/constantData';
import { filePartitionValues } from '../../delta/scan/pruning';
import type { Scan } from '../../delta/scan/scan';
import type { Snapshot } from '../../delta/snapshot';
import { decodeParquet, parquetRowGroupSizes } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import { recordCount } from '../tree/tableChildren';

/** One data file in scan order, with its logical (not deleted) rows and where they start in the result. */
interface PlannedFile { file: AddFile; physicalRows: number; logicalRows: number; start: number }

/** The file being read: its bytes, row-group sizes and which of its rows are live (with a deletion vector). */
interface OpenFile { file: AddFile; bytes: Uint8Array; groupSizes: number[]; keep: Uint8Array | undefined }

/**
 * Reads any range of an unfiltered scan's rows directly, without decoding what comes before it:
 * the log's per-file record counts (minus deleted rows) say which file holds a row, the row groups'
 * sizes which groups, and parquet-wasm decodes only the pages from there (offset/limit). So the
 * preview's first page of a 10-million-row table costs one page's decode rather than a whole row
 * group's, and scrolling to the end costs the same as the start. Rows come in the scan's order
 * (`Scan.plan`), conformed exactly as the scan does (column mapping, partition values, type changes).
 */
export class RowRangeReader {
  readonly total: number;
  private open: OpenFile | undefined;

  private constructor(
    private readonly snapshot: Snapshot,
    private readonly schema: StructType,
    private readonly files: PlannedFile[],
  ) {
    const last = files[files.length - 1];
    this.total = last ? last.start + last.logicalRows : 0;
  }

  /** A reader for `scan`, or undefined when it cannot seek: a row filter, or a file without `numRecords`. */
  static forScan(snapshot: Snapshot, scan: Scan): RowRangeReader | undefined {
    if (scan.predicate) return undefined;
    const files: PlannedFile[] = [];
    let start = 0;
    for (const file of scan.plan()) {
      const physicalRows = recordCount(file);
      if (physicalRows === undefined) return undefined;
      const logicalRows = physicalRows - (file.deletionVector?.cardinality ?? 0);
      files.push({ file, physicalRows, logicalRows, start });
      start += logicalRows;
    }
    return new RowRangeReader(snapshot, scan.schema, files);
  }

  /** Rows [offset, offset + count) of the result (fewer at its end), as record batches. */
  async read(offset: number, count: number, batchSize: number): Promise<RecordBatch[]> {
    const batches: RecordBatch[] = [];
    let position = offset;
    const end = Math.min(offset + count, this.total);
    while (position < end) {
      const planned = this.fileAt(position);
      const first = position - planned.start;
      const rows = Math.min(end - position, planned.logicalRows - first);
      batches.push(...await this.readFile(planned, first, rows, batchSize));
      position += rows;
    }
    return batches;
  }

  private fileAt(position: number): PlannedFile {
    let low = 0;
    let high = this.files.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.files[middle] as PlannedFile).start <= position) low = middle;
      else high = middle - 1;
    }
    return this.files[low] as PlannedFile;
  }

  /** Logical rows [first, first + rows) of one file: located among its physical rows, decoded, conformed. */
  private async readFile(planned: PlannedFile, first: number, rows: number, batchSize: number): Promise<RecordBatch[]> {
    const open = await this.openFile(planned.file);
    const [physicalStart, physicalEnd] = open.keep ? physicalRange(open.keep, first, rows) : [first, first + rows];
    let groupStart = 0;
    const groups: number[] = [];
    let skip = 0;
    for (const [index, size] of open.groupSizes.entries()) {
      if (groupStart + size > physicalStart && groupStart < physicalEnd) {
        if (groups.length === 0) skip = physicalStart - groupStart;
        groups.push(index);
      }
      groupStart += size;
    }
    const mode = this.snapshot.columnMappingMode;
    const partitionColumns = new Set(this.snapshot.partitionColumns);
    const dataFields = this.schema.fields.filter((field) => !partitionColumns.has(field.name));
    const table = corruptAsDeltaError(planned.file.path, () => decodeParquet(open.bytes, {
      columns: dataFields.map((field) => physicalName(field, mode)),
      rowGroups: groups, offset: skip, limit: physicalEnd - physicalStart, batchSize,
    }));
    const partitions = filePartitionValues(planned.file, this.snapshot);
    let physicalRow = physicalStart;
    return table.batches.map((batch) => {
      const length = batch.numRows;
      const children = this.schema.fields.map((field) => {
        if (partitionColumns.has(field.name)) return constantData(field.type, partitions[field.name] ?? null, length);
        const source = new Data(new Struct(batch.schema.fields), 0, length, 0, undefined, batch.data.children);
        return conformData(source, { kind: 'struct', fields: [field] }, mode, '').children[0] as Data;
      });
      const arrowSchema = toArrowSchema(this.schema);
      const conformed = new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
      const live = open.keep?.subarray(physicalRow, physicalRow + length);
      physicalRow += length;
      return live ? filterBatch(conformed, live) : conformed;
    });
  }

  /** The last file read stays open: the grid asks for neighbouring pages, mostly of the same file. */
  private async openFile(file: AddFile): Promise<OpenFile> {
    if (this.open?.file === file) return this.open;
    const path = resolveDataFilePath(file.path, this.snapshot.tableRoot);
    const [bytes, deleted] = await Promise.all([
      this.snapshot.store.get(path).catch((cause: unknown) => {
        throw new DeltaError('DELTA_FILE_NOT_FOUND',
          `Data file ${path} is listed in version ${this.snapshot.version} of the log but cannot be read (${errorText(cause)}). It may have been deleted by VACUUM or by hand.`,
          { cause });
      }),
      file.deletionVector ? readDeletionVector(this.snapshot.store, file.deletionVector) : Promise.resolve(undefined),
    ]);
    const groupSizes = corruptAsDeltaError(path, () => parquetRowGroupSizes(bytes));
    const physicalRows = groupSizes.reduce((sum, size) => sum + size, 0);
    this.open = { file, bytes, groupSizes, keep: deleted ? keepMask(deleted, 0, physicalRows) : undefined };
    return this.open;
  }
}

/** The physical rows holding live rows [first, first + rows) of a file, given its live-row mask. */
function physicalRange(keep: Uint8Array, first: number, rows: number): [number, number] {
  let live = 0;
  let start = keep.length;
  for (let physical = 0; physical < keep.length; physical++) {
    if (!keep[physical]) continue;
    if (live === first) start = physical;
    live++;
    if (live === first + rows) return [start, physical + 1];
  }
  return [start, keep.length];
}

/** The scan's error for an unreadable data file, so the preview says the same whichever path read it. */
function corruptAsDeltaError<T>(path: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof ParquetDecodeError)) throw error;
    throw new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
