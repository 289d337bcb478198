import { Data, Field, Int64, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { isValidAt } from '../../arrow/bitmap';
import { decodeParquet, parquetLayout } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import type { AddFile } from '../actions';
import { DeltaError } from '../errors';
import { resolveDataFilePath } from '../filePaths';
import type { Snapshot } from '../snapshot';
import { materializedRowColumns, type MaterializedRowColumns } from '../transaction/rowTracking';

/**
 * Values of one materialized column for every physical row of a file, as the two little-endian
 * 32-bit words of each int64 (copied without a BigInt per row); `valid` is 0 for nulls.
 */
interface StoredColumn {
  words: Uint32Array;
  valid: Uint8Array;
}

const TWO_32 = 2 ** 32;

/**
 * The stable row ids and row commit versions of one data file's rows ("Reader Requirements for
 * Row Tracking" in PROTOCOL.md): a row's materialized value when its file stores a non-null one,
 * else the file's baseRowId plus the row's physical index, and its defaultRowCommitVersion.
 * A rewrite appends them to the rows it writes again as the materialized columns, so that the rows
 * keep their identity in the new file ("Writer Requirements for Row Tracking").
 */
export class SourceRowIds {
  private constructor(
    private readonly columns: MaterializedRowColumns,
    private readonly baseRowId: number,
    private readonly defaultRowCommitVersion: bigint,
    private readonly storedRowIds: StoredColumn | undefined,
    private readonly storedVersions: StoredColumn | undefined,
  ) {}

  /**
   * The ids of `file`'s rows, or undefined when the table does not have row tracking enabled
   * (nothing to preserve). The file is read for its materialized columns only when its footer
   * says it has them: files written by appends do not.
   */
  static async read(snapshot: Snapshot, file: AddFile): Promise<SourceRowIds | undefined> {
    const columns = materializedRowColumns(snapshot.metadata);
    if (!columns) return undefined;
    if (typeof file.baseRowId !== 'number' || typeof file.defaultRowCommitVersion !== 'number') {
      throw new DeltaError('DELTA_CORRUPT_COMMIT',
        `Row tracking is enabled but data file ${file.path} has no baseRowId or defaultRowCommitVersion, so the ids of its rows are unknown; the table was left unchanged.`);
    }
    const path = resolveDataFilePath(file.path, snapshot.tableRoot);
    const bytes = await snapshot.store.get(path).catch((cause: unknown) => {
      throw new DeltaError('DELTA_FILE_NOT_FOUND', `Data file ${path} of version ${snapshot.version} cannot be read: ${(cause as Error).message}`, { cause });
    });
    let stored: Map<string, StoredColumn>;
    try {
      const present = parquetLayout(bytes).columns.filter((name) => name === columns.rowId || name === columns.rowCommitVersion);
      stored = present.length === 0 ? new Map() : storedColumns(decodeParquet(bytes, { columns: present }).batches, present, path);
    } catch (error) {
      if (error instanceof ParquetDecodeError) throw new DeltaError('DELTA_CORRUPT_PARQUET', `Data file ${path} is not a readable Parquet file: ${error.message}`);
      throw error;
    }
    return new SourceRowIds(columns, file.baseRowId, BigInt(file.defaultRowCommitVersion),
      stored.get(columns.rowId), stored.get(columns.rowCommitVersion));
  }

  /** The stable row id of the file's physical row `row`. */
  rowIdAt(row: number): bigint {
    const stored = this.storedRowIds;
    if (stored?.valid[row] === 1) return (BigInt(stored.words[2 * row + 1] as number) << 32n) | BigInt(stored.words[2 * row] as number);
    return BigInt(this.baseRowId + row);
  }

  /**
   * `batch`, the file's physical rows from `rowOffset` on, with the row id and row commit version
   * columns appended. Rows marked 1 in `updated` keep their id but get a null commit version: an
   * updated row's commit version is that of the commit writing it, its new file's default.
   */
  attach(batch: RecordBatch, rowOffset: number, updated?: Uint8Array): RecordBatch {
    const n = batch.numRows;
    const rowIds = new BigInt64Array(n);
    const idWords = new Uint32Array(rowIds.buffer);
    const first = this.baseRowId + rowOffset;
    for (let row = 0; row < n; row++) {
      const id = first + row;
      idWords[2 * row] = id % TWO_32;
      idWords[2 * row + 1] = Math.floor(id / TWO_32);
    }
    copyStored(this.storedRowIds, rowOffset, idWords, n);
    const versions = new BigInt64Array(n).fill(this.defaultRowCommitVersion);
    copyStored(this.storedVersions, rowOffset, new Uint32Array(versions.buffer), n);
    const versionValid = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
    let versionNulls = 0;
    if (updated) {
      for (let row = 0; row < n; row++) {
        if (updated[row] !== 1) continue;
        versionNulls++;
        versionValid[row >> 3] = (versionValid[row >> 3] as number) & ~(1 << (row & 7));
      }
    }
    const fields = [new Field(this.columns.rowId, new Int64(), true), new Field(this.columns.rowCommitVersion, new Int64(), true)];
    const schema = new Schema([...batch.schema.fields, ...fields]);
    const children = [
      ...batch.data.children,
      makeData({ type: new Int64(), length: n, nullCount: 0, data: rowIds }),
      makeData({ type: new Int64(), length: n, nullCount: versionNulls, data: versions, ...(versionNulls > 0 ? { nullBitmap: versionValid } : {}) }),
    ];
    return new RecordBatch(schema, new Data(new Struct(schema.fields), 0, n, 0, undefined, children));
  }
}

/** Overwrites `n` int64 words from the file's row `rowOffset` on with the stored non-null values. */
function copyStored(column: StoredColumn | undefined, rowOffset: number, target: Uint32Array, n: number): void {
  if (!column) return;
  for (let row = 0; row < n; row++) {
    const physical = rowOffset + row;
    if (column.valid[physical] !== 1) continue;
    target[2 * row] = column.words[2 * physical] as number;
    target[2 * row + 1] = column.words[2 * physical + 1] as number;
  }
}

/** The decoded materialized columns, concatenated over the file's batches. */
function storedColumns(batches: readonly RecordBatch[], names: readonly string[], path: string): Map<string, StoredColumn> {
  const rows = batches.reduce((n, b) => n + b.numRows, 0);
  const out = new Map<string, StoredColumn>();
  for (const name of names) {
    const column: StoredColumn = { words: new Uint32Array(2 * rows), valid: new Uint8Array(rows) };
    let offset = 0;
    for (const batch of batches) {
      const data = batch.data.children[batch.schema.fields.findIndex((f) => f.name === name)];
      const values: unknown = data?.values;
      if (!data || !(values instanceof BigInt64Array)) {
        throw new DeltaError('DELTA_CORRUPT_PARQUET', `The materialized row tracking column ${name} of data file ${path} does not hold 64-bit integers.`);
      }
      const words = new Uint32Array(values.buffer, values.byteOffset + data.offset * 8, 2 * batch.numRows);
      column.words.set(words, 2 * offset);
      for (let row = 0; row < batch.numRows; row++) if (isValidAt(data, row)) column.valid[offset + row] = 1;
      offset += batch.numRows;
    }
    out.set(name, column);
  }
  return out;
}
