import { Data, Field, RecordBatch, Schema, Struct } from 'apache-arrow';
import { nullData } from '../../arrow/nullData';
import { takeData } from '../../arrow/takeRows';
import type { Metadata } from '../actions';
import { toArrowType } from '../arrowSchema';
import { COLUMN_MAPPING_PHYSICAL_NAME_KEY, primitive, type StructField } from '../schema';
import { materializedRowColumns } from '../transaction/rowTracking';

/**
 * The hidden materialized row id and row commit version columns a data file of this table holds
 * after its data columns: none unless row tracking is enabled. They are outside the table schema,
 * so their names are their physical names whatever the column mapping mode, and they get no
 * statistics (Spark collects statistics of table columns only).
 */
export function materializedRowFields(metadata: Metadata): StructField[] {
  const columns = materializedRowColumns(metadata);
  if (!columns) return [];
  return [columns.rowId, columns.rowCommitVersion].map((name) => ({
    name, type: primitive('long'), nullable: true, metadata: { [COLUMN_MAPPING_PHYSICAL_NAME_KEY]: name },
  }));
}

/**
 * The batch with a null column appended for each of `fields` it lacks: rows written without a
 * materialized value (new rows) read their row id and commit version from their file's
 * baseRowId and defaultRowCommitVersion.
 */
export function withNullColumns(batch: RecordBatch, fields: readonly StructField[]): RecordBatch {
  const missing = fields.filter((field) => !batch.schema.fields.some((f) => f.name === field.name));
  if (missing.length === 0) return batch;
  const added = missing.map((field) => new Field(field.name, toArrowType(field.type), true));
  const schema = new Schema([...batch.schema.fields, ...added]);
  const children = [...batch.data.children, ...added.map((field) => nullData(field.type, batch.numRows))];
  return new RecordBatch(schema, new Data(new Struct(schema.fields), 0, batch.numRows, 0, undefined, children));
}

/**
 * `replacements` (rows that replace the rows at `positions` of `replaced`, e.g. MERGE's UPDATE SET *
 * taking whole source rows) with the replaced rows' materialized row ids: an updated row keeps its
 * id. Its commit version column is left out, so it is null: the row was updated in this commit.
 */
export function carryRowIds(replaced: RecordBatch, positions: ArrayLike<number>, replacements: RecordBatch, rowIdColumn: string): RecordBatch {
  const index = replaced.schema.fields.findIndex((f) => f.name === rowIdColumn);
  const source = replaced.data.children[index];
  if (!source) return replacements;
  const field = replaced.schema.fields[index] as Field;
  const schema = new Schema([...replacements.schema.fields, field]);
  const children = [...replacements.data.children, takeData(source, positions)];
  return new RecordBatch(schema, new Data(new Struct(schema.fields), 0, replacements.numRows, 0, undefined, children));
}
