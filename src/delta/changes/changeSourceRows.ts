import { Data, RecordBatch, Struct } from 'apache-arrow';
import { filterBatch } from '../../arrow/takeRows';
import { decodeParquet, parquetRowGroupSizes } from '../../parquet/readParquet';
import { ParquetDecodeError } from '../../parquet/parquetDecodeError';
import type { DeletionVectorDescriptor } from '../actions';
import { toArrowSchema } from '../arrowSchema';
import type { DeletedRows } from '../deletionVectors/deletedRows';
import { keepMask } from '../deletionVectors/keepMask';
import { readDeletionVector } from '../deletionVectors/readDeletionVector';
import { DeltaError } from '../errors';
import { resolveDataFilePath } from '../filePaths';
import { conformData } from '../scan/conformData';
import { constantData } from '../scan/constantData';
import { physicalName, primitive, type StructField, type StructType } from '../schema';
import type { Snapshot } from '../snapshot';
import { typedPartitionValues } from '../stats/partitionValue';
import { CHANGE_TYPE_COLUMN } from '../write/changeDataWriter';
import type { ChangeSource } from './changeSource';

/** A file's rows that a source selects: never all rows when a deletion vector says otherwise. */
interface RowSelection {
  live: DeletedRows | undefined;
  except: DeletedRows | undefined;
}

const CHANGE_TYPE_FIELD: StructField = { name: CHANGE_TYPE_COLUMN, type: primitive('string'), nullable: false, metadata: {} };

/** The table's columns (as `table` has them) plus `_change_type`: the rows a change source yields. */
export function changeRowSchema(schema: StructType): StructType {
  return { kind: 'struct', fields: [...schema.fields, CHANGE_TYPE_FIELD] };
}

/**
 * The changed rows of one source in the table's logical columns plus `_change_type`, a row group
 * at a time. Files written before a column was added read it as nulls, as a scan does; column
 * mapping resolves renamed columns through their physical names.
 */
export async function* readChangeSource(table: Snapshot, source: ChangeSource, batchSize = 65536): AsyncGenerator<RecordBatch> {
  // A file that lost no rows and gained none (its deletion vector did not change them) is skipped unread.
  if (source.kind === 'data' && source.exceptLiveUnder === null) return;
  const [bytes, selection] = await Promise.all([fetchFile(table, source), rowSelection(table, source)]);
  const path = source.kind === 'cdc' ? source.file.path : source.path;
  const mode = table.columnMappingMode;
  const partitionColumns = new Set(table.partitionColumns);
  const schema = changeRowSchema(table.schema);
  const arrowSchema = toArrowSchema(schema);
  const dataFields = table.schema.fields.filter((f) => !partitionColumns.has(f.name));
  const columns = [...dataFields.map((f) => physicalName(f, mode)), ...(source.kind === 'cdc' ? [CHANGE_TYPE_COLUMN] : [])];
  const partitions = typedPartitionValues(
    source.kind === 'cdc' ? source.file.partitionValues : source.partitionValues, table.schema, table.partitionColumns, mode,
  );
  let rowOffset = 0;
  for (const [index] of rowGroupSizes(bytes, path).entries()) {
    for (const batch of decodeGroup(bytes, path, columns, index, batchSize)) {
      const length = batch.numRows;
      const file = new Data(new Struct(batch.schema.fields), 0, length, 0, undefined, batch.data.children);
      const children = schema.fields.map((field) => {
        if (partitionColumns.has(field.name)) return constantData(field.type, partitions[field.name] ?? null, length);
        if (field === CHANGE_TYPE_FIELD && source.kind === 'data') return constantData(field.type, source.changeType, length);
        return conformData(file, { kind: 'struct', fields: [field] }, field === CHANGE_TYPE_FIELD ? 'none' : mode, '').children[0] as Data;
      });
      const rows = new RecordBatch(arrowSchema, new Data(new Struct(arrowSchema.fields), 0, length, 0, undefined, children));
      const mask = selectionMask(selection, rowOffset, length);
      rowOffset += length;
      const kept = mask ? filterBatch(rows, mask) : rows;
      if (kept.numRows > 0) yield kept;
    }
  }
}

async function fetchFile(table: Snapshot, source: ChangeSource): Promise<Uint8Array> {
  const path = resolveDataFilePath(source.kind === 'cdc' ? source.file.path : source.path, table.tableRoot);
  try {
    return await table.store.get(path);
  } catch (cause) {
    throw new DeltaError('DELTA_FILE_NOT_FOUND',
      `${source.kind === 'cdc' ? 'Change data' : 'Data'} file ${path} cannot be read (${(cause as Error).message}). VACUUM removes files of old versions: read changes of newer versions only.`,
      { cause });
  }
}

async function rowSelection(table: Snapshot, source: ChangeSource): Promise<RowSelection> {
  if (source.kind === 'cdc') return { live: undefined, except: undefined };
  const read = (dv: DeletionVectorDescriptor | null | undefined): Promise<DeletedRows | undefined> =>
    (dv ? readDeletionVector(table.store, dv) : Promise.resolve(undefined));
  const [live, except] = await Promise.all([read(source.liveUnder), read(source.exceptLiveUnder)]);
  return { live, except };
}

/**
 * 1 for rows live under `live` and, when the source has an `except` vector, deleted by it:
 * undefined when every row is selected.
 */
function selectionMask(selection: RowSelection, start: number, length: number): Uint8Array | undefined {
  const mask = selection.live ? keepMask(selection.live, start, length) : undefined;
  if (!selection.except) return mask;
  const other = keepMask(selection.except, start, length);
  const out = mask ?? new Uint8Array(length).fill(1);
  for (let i = 0; i < length; i++) out[i] = (out[i] as number) & (1 - (other[i] as number));
  return out;
}

function rowGroupSizes(bytes: Uint8Array, path: string): number[] {
  try {
    return parquetRowGroupSizes(bytes);
  } catch (error) {
    throw corrupt(path, error);
  }
}

function decodeGroup(bytes: Uint8Array, path: string, columns: string[], group: number, batchSize: number): RecordBatch[] {
  try {
    return decodeParquet(bytes, { columns, rowGroups: [group], batchSize }).batches;
  } catch (error) {
    throw corrupt(path, error);
  }
}

function corrupt(path: string, error: unknown): unknown {
  if (!(error instanceof ParquetDecodeError)) return error;
  return new DeltaError('DELTA_CORRUPT_PARQUET', `File ${path} is not a readable Parquet file: ${error.message}`);
}
